import Foundation
import Losses
import Optimizers
import Vocabulary
import XCTest

/// "unknown X, known: …" lists come from the types, so every listed name parses and the list
/// holds every case.
final class NamedCaseTests: XCTestCase {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T { try JSONDecoder().decode(T.self, from: Data(json.utf8)) }

    func message<T: Decodable>(_ type: T.Type, _ json: String) -> String {
        do { _ = try decode(type, json); return "no error" } catch DecodingError.dataCorrupted(let context) {
            return context.debugDescription
        } catch { return "\(error)" }
    }

    func testUnknownNamesListEveryCase() {
        XCTAssertEqual(message(OptimizerSpec.self, #"{"type": "lbfgs"}"#),
                       #"unknown optimizer "lbfgs" (known: sgd, adagrad, rmsprop, adam, adamw)"#)
        XCTAssertEqual(message(ClipSpec.self, #"{"type": "l1"}"#), #"unknown clip type "l1" (known: norm, value, per_parameter)"#)
        XCTAssertEqual(message(ScheduleSpec.self, #"{"type": "linear"}"#), #"unknown schedule "linear" (known: step, exponential, cosine, plateau)"#)
        XCTAssertTrue(message(DataSpec.self, #"{"kind": "mnist"}"#).hasSuffix(
            "(known: digits, fashion-mnist, csv, npy, spirals, teacher, random_regression, adding, temporal_order)"))
        XCTAssertTrue(message(WeightInit.self, #"{"type": "he"}"#).contains("kaiming_normal"))
    }

    func testEveryListedNameParses() throws {
        for kind in OptimizerSpec.Kind.allCases { XCTAssertEqual(try decode(OptimizerSpec.self, #"{"type": "\#(kind.rawValue)"}"#).kind, kind) }
        XCTAssertNoThrow(try decode(ClipSpec.self, #"{"type": "norm", "max_norm": 1}"#))
        XCTAssertNoThrow(try decode(ClipSpec.self, #"{"type": "value", "clip_value": 1}"#))
        XCTAssertNoThrow(try decode(ClipSpec.self, #"{"type": "per_parameter", "max_norm": 1}"#))
        XCTAssertEqual(ClipSpec.Kind.allCases.count, 3)
        let schedules = [#"{"type": "step", "step_size": 2}"#, #"{"type": "exponential", "gamma": 0.9}"#, #"{"type": "cosine", "t_max": 3}"#, #"{"type": "plateau"}"#]
        XCTAssertEqual(schedules.count, ScheduleSpec.Name.allCases.count)
        for json in schedules { XCTAssertNoThrow(try decode(ScheduleSpec.self, json), json) }
        for kind in WeightInit.Kind.allCases {
            let extra = kind == .constant ? #", "value": 0.5"# : ""
            XCTAssertNoThrow(try decode(WeightInit.self, #"{"type": "\#(kind.rawValue)"\#(extra)}"#), kind.rawValue)
        }
        for name in DataSpec.KindName.allCases where ![.csv, .npy].contains(name) {
            XCTAssertNoThrow(try decode(DataSpec.self, #"{"kind": "\#(name.rawValue)"}"#), name.rawValue)
        }
        XCTAssertNoThrow(try decode(DataSpec.self, #"{"kind": "fashion_mnist"}"#), "the alias")
        XCTAssertEqual(try decode(ClipSpec.self, #"{"type": "value", "clip_value": 1}"#).nonFinite, FileDefaults.nonFinitePolicy)
    }
}
