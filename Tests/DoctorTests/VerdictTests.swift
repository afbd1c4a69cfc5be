import Diagnosis
import Experiments
import Foundation
import TensorCore
import Runs
import XCTest
@testable import Doctor

/// Each file in `Experiments/` must get the verdict its name says (the problem kinds of docs/experiment-format.md).
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
    func testNonFiniteIsCaughtAsExplodingBeforeTheFirstNaN() throws {
        // SGD at lr 10 on a linear regression: the gradient grows ~20× a step until it overflows.
        // The exploding finding starts before the NaN, so it is the cause and comes first.
        let run = try verdict("non_finite.json")
        XCTAssertEqual(run.verdict, .explodingGradient, "\(run.findings.map(\.kind))")
        let nan = try XCTUnwrap(run.findings.first { $0.kind == .nonFinite })
        XCTAssertLessThan(run.findings[0].firstStep, nan.firstStep)
        XCTAssertEqual(NonFiniteCause.of(run.findings)?.source, "training")
    }

    func testNaNInTheDataIsADiagnosisNamingRowsAndColumns() throws {
        let experiment = try Experiment.load(path: Self.folder.appendingPathComponent("nan_data.json").path)
        let outcome = try Doctor().examine(experiment)
        XCTAssertEqual(outcome.report.verdict, "non_finite")
        let cause = try XCTUnwrap(outcome.report.cause)
        XCTAssertEqual(cause.source, "data")
        XCTAssertEqual(cause.data?.rows, [3])
        XCTAssertEqual(cause.data?.columns, ["b"])
        XCTAssertTrue(outcome.report.repairs.isEmpty, "no training remedy can fix the data")
        XCTAssertTrue(try outcome.report.json().contains("\"cause\""))
    }

    func testRNNVanishingThroughTimeIsFoundAndExplained() throws {
        let run = try verdict("rnn_vanishing_time.json")
        XCTAssertEqual(run.verdict, .vanishingGradient)
        XCTAssertEqual(run.findings[0].axis, .time)
        XCTAssertEqual(run.findings[0].layer, "0")
        XCTAssertLessThan(run.findings[0].evidence["time_ratio_first_last"]!, 1e-3)
        // Seed 002's Wᵗ argument: orthogonal × 0.5 has ρ = 0.5, and (mean tanh′ × ρ)^(T−1)
        // predicts the measured first/last ratio within a factor of 10 over 29 steps.
        let factors = try XCTUnwrap(run.decomposition?.recurrent?.first)
        XCTAssertEqual(factors.spectralRadius, 0.5, accuracy: 0.01)
        XCTAssertEqual(log10(factors.predictedRatio!), log10(factors.measuredRatio!), accuracy: 1)
    }
    func testDyingReLU() throws { try assertVerdict("dying_relu.json", .dyingReLU) }
    func testSaturation() throws { try assertVerdict("saturation.json", .saturation) }
    func testOscillating() throws { try assertVerdict("oscillating.json", .oscillatingLoss) }
    func testSlowConvergence() throws { try assertVerdict("slow_convergence.json", .slowConvergence) }
    func testSymmetry() throws { try assertVerdict("symmetry.json", .symmetry) }

    func testHealthyRuns() throws {
        try assertVerdict("healthy_digits_mlp.json", .healthy)
        try assertVerdict("healthy_lstm_adding.json", .healthy)
        try assertVerdict("healthy_seed001.json", .healthy)
        // Dead ReLUs inside shortcut bodies block nothing; an output layer that starts at 0 grows while it learns.
        try assertVerdict("healthy_residual_relu.json", .healthy)
        try assertVerdict("healthy_zero_output.json", .healthy)
    }

    func testHealthyLSTMLearnsTheAddingProblem() throws {
        // Predicting 1.0 always gives MSE ≈ 0.167; the LSTM (forget bias 1) must learn the sum.
        XCTAssertLessThan(try verdict("healthy_lstm_adding.json").final.loss, 0.02)
    }
}

final class LoadedWeightsTests: XCTestCase {
    let experiment = try! Experiment.parse(Data(#"{"name": "w", "data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}], "epochs": 1}"#.utf8), file: "w.json")

    func weights(_ w: [Double]) -> [String: Tensor<Double>] {
        ["0.weight": Tensor(shape: [10, 64], scalars: w), "0.bias": Tensor(zeros: [10])]
    }

    func testNaNInLoadedWeightsNamesTheTensor() throws {
        var doctor = Doctor()
        var w = [Double](repeating: 0.01, count: 640)
        w[17] = .nan
        doctor.initialWeights = ("w.safetensors", weights(w))
        let report = try doctor.examine(experiment).report
        XCTAssertEqual(report.verdict, "non_finite")
        XCTAssertEqual(report.cause?.source, "weights")
        XCTAssertEqual(report.cause?.tensor, "0.weight")
        XCTAssertEqual(report.cause?.count, 1)
        XCTAssertTrue(report.repairs.isEmpty)
    }

    func testTheOriginalRunStartsFromFiniteWeightsAndAMismatchIsAnError() throws {
        var doctor = Doctor()
        doctor.initialWeights = ("w.safetensors", weights([Double](repeating: 0, count: 640)))
        let outcome = try doctor.examine(experiment)
        // All-zero weights: the first record's weight norm is the first update's, far below a random init's.
        XCTAssertLessThan(try XCTUnwrap(outcome.original.records.first?.layers.first?.weightNorm), 0.5)
        doctor.initialWeights = ("w.safetensors", ["0.weight": Tensor(zeros: [3, 3])])
        XCTAssertThrowsError(try doctor.examine(experiment)) { XCTAssertTrue("\($0)".hasPrefix("w.safetensors: the weights do not fit"), "\($0)") }
    }
}
