import Experiments
import XCTest
@testable import Benchmarks

final class DoctorBenchmarkTests: XCTestCase {
    func outcome(_ file: String, _ label: String, _ verdict: String, fixedBy: String? = nil, beforeNaN: Bool? = nil) -> DoctorBenchmark.Outcome {
        .init(file: file, label: label, verdict: verdict, axis: nil, fixedBy: fixedBy, caughtBeforeNaN: beforeNaN, seconds: 1)
    }

    func testScoresCountBrokenHealthyRepairableAndBeforeNaN() {
        let outcomes = [
            outcome("a", "vanishing_gradient", "vanishing_gradient", fixedBy: "relu_he_init"),
            outcome("b", "exploding_gradient", "exploding_gradient", beforeNaN: true),
            outcome("c", "non_finite", "non_finite"),
            outcome("d", "dying_relu", "healthy"),
            outcome("e", "healthy", "healthy"),
            outcome("f", "healthy", "weights_growing"),
        ]
        let cases = ["a", "b", "d", "e", "f"].map { DoctorBenchmark.Case(file: $0, label: "", axis: nil, repairable: nil) }
            + [DoctorBenchmark.Case(file: "c", label: "", axis: nil, repairable: false)]
        let s = DoctorBenchmark.summarize(outcomes, cases: cases)
        XCTAssertEqual(s.recall, 0.75)
        XCTAssertEqual(s.falsePositives, 0.5)
        XCTAssertEqual(s.repairRate!, 1.0 / 3, accuracy: 1e-12, "c cannot be repaired by training; a of a, b, d was")
        XCTAssertEqual(s.caughtBeforeNaN, 1)
        XCTAssertEqual(s.seconds, 6)
    }

    func testTheShippedLabelsNameFilesThatParse() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../benchmarks/doctor").standardized
        let cases = try JSONDecoder().decode([DoctorBenchmark.Case].self, from: Data(contentsOf: folder.appendingPathComponent("labels.json")))
        XCTAssertGreaterThanOrEqual(cases.filter { $0.label != "healthy" }.count, 30)
        XCTAssertGreaterThanOrEqual(cases.filter { $0.label == "healthy" }.count, 15)
        XCTAssertGreaterThanOrEqual(cases.filter { $0.axis == "time" }.count, 8)
        for c in cases { XCTAssertNoThrow(try Experiment.load(path: folder.appendingPathComponent(c.file).path), c.file) }
        // Every label was confirmed by the independent PyTorch run (pytorch_check.py's committed output).
        let pytorch = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("pytorch_labels.json"))) as? [String: [String: Any]])
        for c in cases {
            XCTAssertEqual(pytorch[c.file]?["label"] as? String, c.label, "\(c.file): PyTorch's label")
            XCTAssertEqual(pytorch[c.file]?["agrees"] as? Bool, true, c.file)
        }
    }
}
