import Vocabulary
import Diagnosis
import Experiments
import Foundation
import XCTest
@testable import Doctor

final class RepairTests: XCTestCase {
    func examine(_ file: String) throws -> DoctorReport {
        // No time budget: what the search finds must not depend on how fast the machine is.
        try Doctor(budget: .infinity).examine(Experiment.load(path: VerdictTests.folder.appendingPathComponent(file).path)).report
    }

    func testVanishingIsRepaired() throws {
        let report = try examine("vanishing.json")
        XCTAssertEqual(report.verdict, "vanishing_gradient")
        let best = try XCTUnwrap(report.repairs.first { $0.remedy == report.bestRemedy }, "no remedy fixed it: \(report.repairs)")
        XCTAssertTrue(best.fixed)
        XCTAssertLessThan(best.final.loss, report.final.loss)
        XCTAssertGreaterThan(best.final.accuracy!, report.final.accuracy! + 0.3)
        XCTAssertEqual(report.repairs.first { $0.remedy == "relu_he_init" }?.fixed, true)
    }

    func testExplodingIsRepaired() throws {
        let report = try examine("exploding.json")
        XCTAssertEqual(report.verdict, "exploding_gradient")
        XCTAssertTrue(report.repairs.contains { $0.fixed }, "\(report.repairs)")
    }

    func testJSONDocumentHasTheSpecKeys() throws {
        let report = try examine("symmetry.json")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        for key in ["name", "verdict", "problems", "final", "repairs"] { XCTAssertNotNil(object[key], key) }
        let problem = try XCTUnwrap((object["problems"] as? [[String: Any]])?.first)
        for key in ["kind", "layer", "first_step", "evidence", "explanation"] { XCTAssertNotNil(problem[key], key) }
        let final = try XCTUnwrap(object["final"] as? [String: Any])
        for key in ["loss", "accuracy", "steps"] { XCTAssertNotNil(final[key], key) }
        let repair = try XCTUnwrap((object["repairs"] as? [[String: Any]])?.first)
        for key in ["remedy", "changes", "final", "fixed"] { XCTAssertNotNil(repair[key], key) }
        XCTAssertEqual(repair["remedy"] as? String, "fan_in_init")
        XCTAssertEqual(repair["fixed"] as? Bool, true)
    }

    func testHealthyRunTriesNoRemedy() throws {
        let report = try examine("healthy_digits_mlp.json")
        XCTAssertEqual(report.verdict, "healthy")
        XCTAssertTrue(report.problems.isEmpty)
        XCTAssertTrue(report.repairs.isEmpty)
    }

    func testDefaultExperimentVanishes() {
        let e = DefaultExperiment.experiment()
        XCTAssertEqual(e.layers.count, 17)
        XCTAssertEqual(e.data, DataSpec(kind: .digits))
    }

    func testBadFilesGiveErrorsNamingFileAndKey() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gg-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(String, String, String)] = [
            ("unknown.json", #"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}], "optimiser": {}}"#,
             "unknown.json: optimiser: unknown key"),
            ("type.json", #"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}], "epochs": "ten"}"#,
             "type.json: epochs: expected an integer"),
            ("negative.json", #"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}, {"type": "linear", "in": 10, "out": -3}]}"#,
             "negative.json: model[1].out: expected a positive integer, got -3"),
            ("missing.json", #"{"data": {"kind": "npy", "x": "x.npy", "y": "y.npy"}, "model": [{"type": "linear", "in": 4, "out": 2}]}"#,
             "missing.json: data.x:"),
        ]
        for (name, text, expected) in cases {
            let path = folder.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try Doctor().examine(Experiment.load(path: path))) {
                XCTAssertTrue("\($0)".hasPrefix(expected), "\($0)")
            }
        }
    }
}

final class RepairSearchTests: XCTestCase {
    let experiment = try! Experiment.load(path: VerdictTests.folder.appendingPathComponent("oscillating.json").path)

    func testTheSameSeedGivesTheSameSearch() throws {
        let first = try Doctor(budget: .infinity).examine(experiment).report, second = try Doctor(budget: .infinity).examine(experiment).report
        XCTAssertEqual(first.repairs, second.repairs)
        XCTAssertEqual(first.bestRemedy, second.bestRemedy)
    }

    func testANoTimeBudgetStopsAfterTheSingleRemedies() throws {
        let report = try Doctor(budget: 0).examine(experiment).report
        XCTAssertFalse(report.repairs.isEmpty, "the first round always runs")
        XCTAssertTrue(report.repairs.allSatisfy { !$0.remedy.contains("+") && !$0.remedy.contains("tuned_lr") }, "\(report.repairs.map(\.remedy))")
        XCTAssertEqual(Set(report.repairs.map(\.remedy)), Set(Remedy.candidates(for: .oscillatingLoss).map(\.rawValue)))
    }
}
