import Diagnosis
import Experiments
import Foundation
import XCTest
@testable import Doctor

/// Each file in `Experiments/` must get the verdict its name says (EXPERIMENT-SPEC problem kinds).
final class VerdictTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Experiments")

    func verdict(_ file: String) throws -> MonitoredRun {
        let experiment = try Experiment.load(path: Self.folder.appendingPathComponent(file).path)
        return ExperimentRunner.run(try ExperimentSetup(experiment))
    }

    func assertVerdict(_ file: String, _ expected: ProblemKind, line: UInt = #line) throws {
        let run = try verdict(file)
        XCTAssertEqual(run.verdict, expected, "\(file): \(run.findings.map { "\($0.kind.rawValue): \($0.explanation)" })", line: line)
        if expected != .healthy {
            XCTAssertFalse(run.findings[0].explanation.isEmpty, line: line)
            XCTAssertFalse(run.findings[0].evidence.isEmpty, line: line)
        }
    }

    func testVanishing() throws {
        let run = try verdict("vanishing.json")
        XCTAssertEqual(run.verdict, .vanishingGradient)
        XCTAssertEqual(run.findings[0].layer, "0")
        XCTAssertLessThan(run.findings[0].evidence["grad_norm_ratio_first_last"]!, 1e-6)
        // The decomposition blames sigmoid's derivative (≤ 0.25) more than the weights.
        let decomposition = try XCTUnwrap(run.decomposition)
        XCTAssertEqual(decomposition.driver, "activation_derivative")
        XCTAssertLessThanOrEqual(decomposition.meanDerivative!, 0.25)
        for layer in decomposition.layers.dropFirst() {
            XCTAssertEqual(layer.measuredFactor!, layer.predictedFactor!, accuracy: 0.5 * layer.predictedFactor!, "layer \(layer.path)")
        }
    }

    func testExploding() throws { try assertVerdict("exploding.json", .explodingGradient) }
    func testNonFinite() throws { try assertVerdict("non_finite.json", .nonFinite) }
    func testDyingReLU() throws { try assertVerdict("dying_relu.json", .dyingReLU) }
    func testSaturation() throws { try assertVerdict("saturation.json", .saturation) }
    func testOscillating() throws { try assertVerdict("oscillating.json", .oscillatingLoss) }
    func testSlowConvergence() throws { try assertVerdict("slow_convergence.json", .slowConvergence) }
    func testSymmetry() throws { try assertVerdict("symmetry.json", .symmetry) }

    func testHealthyRuns() throws {
        try assertVerdict("healthy_digits_mlp.json", .healthy)
        try assertVerdict("healthy_lstm_adding.json", .healthy)
        try assertVerdict("healthy_seed001.json", .healthy)
    }

    func testHealthyLSTMLearnsTheAddingProblem() throws {
        // Predicting 1.0 always gives MSE ≈ 0.167; the LSTM must do clearly better.
        XCTAssertLessThan(try verdict("healthy_lstm_adding.json").final.loss, 0.167)
    }
}
