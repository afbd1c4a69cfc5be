import Experiments
import Foundation
import XCTest

final class ExperimentOverrideTests: XCTestCase {
    let document = Data("""
        {"name": "t", "data": {"kind": "digits"}, "model": [{"type": "mlp", "sizes": [64, 16, 10], "activation": "relu"}],
         "loss": "cross_entropy", "optimizer": {"type": "sgd", "lr": 0.1}, "steps": 5}
        """.utf8)

    func apply(_ texts: [String]) throws -> [String: Any] {
        let overrides = try texts.map { text throws(ExperimentError) in try ExperimentOverride(text) }
        let changed = try ExperimentOverride.apply(overrides, to: document, file: "t.json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: changed) as? [String: Any])
    }

    func testSetsNestedKeysIndexesAndCreatesObjects() throws {
        let root = try apply(["optimizer.lr=0.01", "model[0].activation=tanh", "clip.max_norm=1", "clip.type=norm", "name=\"x y\"", "steps=null", "epochs=3"])
        XCTAssertEqual((root["optimizer"] as? [String: Any])?["lr"] as? Double, 0.01)
        XCTAssertEqual(((root["model"] as? [Any])?.first as? [String: Any])?["activation"] as? String, "tanh", "a bare word is a string")
        XCTAssertEqual((root["clip"] as? [String: Any])?["max_norm"] as? Int, 1, "a missing object is created")
        XCTAssertEqual(root["name"] as? String, "x y")
        XCTAssertNil(root["steps"], "null removes the key")
        XCTAssertEqual(root["epochs"] as? Int, 3)
        // The changed document is an experiment like any file.
        let changed = try ExperimentOverride.apply(
            ["optimizer.lr=0.01", "model[0].activation=tanh", "steps=null", "epochs=3"].map { try ExperimentOverride($0) }, to: document, file: "t.json")
        let experiment = try Experiment.parse(changed, file: "t.json")
        XCTAssertEqual(experiment.name, "t")
    }

    func testErrorsNameTheOverride() {
        func message(_ text: String) -> String {
            do {
                _ = try ExperimentOverride.apply([try ExperimentOverride(text)], to: document, file: "t.json")
                return "no error"
            } catch { return error.description }
        }
        XCTAssertEqual(message("optimizer"), "--set optimizer: expected KEY.PATH=VALUE, e.g. optimizer.lr=0.01")
        XCTAssertEqual(message("model[3].activation=tanh"), "--set model[3].activation=tanh: model: has 1 entry, so there is no [3]")
        XCTAssertEqual(message("optimizer.lr.x=1"), "--set optimizer.lr.x=1: optimizer.lr: is not an object, so it has no key \"x\"")
        XCTAssertEqual(message("model.x=1"), "--set model.x=1: model: is not an object, so it has no key \"x\"")
        XCTAssertEqual(message("model[a]=1"), "--set model[a]=1: model[a]: an index must be written [N] with N ≥ 0")
        XCTAssertEqual(message(".lr=1"), "--set .lr=1: .lr: every part of the key path needs a name")
    }
}
