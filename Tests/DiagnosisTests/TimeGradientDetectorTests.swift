import Diagnosis
import Layers
import Monitor
import XCTest

/// The through-time rules on synthetic records: a recurrent layer whose ‖∂L/∂h_t‖ falls or grows
/// geometrically by `factor` per step over `length` steps.
final class TimeGradientDetectorTests: XCTestCase {
    func records(_ factors: [Double], length: Int = 50, nanAt: Int? = nil) -> [StepRecord] {
        factors.enumerated().map { step, factor in
            var layer = LayerRecord(path: "0", kind: "RNN[tanh](2 → 8)", activationMean: 0, activationStd: 1)
            layer.weightNorm = 1
            layer.hiddenGradNorms = (0..<length).map { t in 0.1 * pow(factor, Double(length - 1 - t)) }
            if step == nanAt { layer.nonFiniteCount = 3 }
            return StepRecord(step: step, epoch: 0, loss: step == nanAt ? .nan : 1, learningRate: 0.1, totalGradNorm: 1, applied: true,
                              layers: [layer])
        }
    }

    func testVanishingFiresWhenSustainedAndNamesTheFactor() throws {
        let finding = try XCTUnwrap(VanishingThroughTimeDetector().detect(records(Array(repeating: 0.8, count: 30))))
        XCTAssertEqual(finding.kind, .vanishingGradient)
        XCTAssertEqual(finding.axis, .time)
        XCTAssertEqual(finding.evidence["per_step_factor"]!, 0.8, accuracy: 1e-9)
        XCTAssertEqual(finding.evidence["time_ratio_first_last"]!, pow(0.8, 49), accuracy: 1e-12)
        XCTAssertNil(ExplodingThroughTimeDetector().detect(records(Array(repeating: 0.8, count: 30))))
    }

    func testQuietForAHealthyFactorAndForAGateThatOpens() {
        XCTAssertNil(VanishingThroughTimeDetector().detect(records(Array(repeating: 0.99, count: 30))))
        // An LSTM starts forgetting (0.5 per step) and learns to keep its state (0.99): not a problem.
        let opens = Array(repeating: 0.5, count: 15) + Array(repeating: 0.99, count: 15)
        XCTAssertNil(VanishingThroughTimeDetector().detect(records(opens)))
        // The reverse — it closes and stays closed — is.
        XCTAssertNotNil(VanishingThroughTimeDetector().detect(records(opens.reversed())))
    }

    func testExplodingIsCaughtBeforeTheFirstNaN() throws {
        let run = records(Array(repeating: 1.3, count: 12), nanAt: 8)
        let finding = try XCTUnwrap(ExplodingThroughTimeDetector().detect(run))
        XCTAssertEqual(finding.kind, .explodingGradient)
        XCTAssertEqual(finding.firstStep, 0)
        // The diagnoser puts the cause (exploding, from step 0) before its symptom (NaN at step 8).
        let findings = Diagnoser().diagnose(run)
        XCTAssertEqual(findings.first?.kind, .explodingGradient)
        XCTAssertEqual(findings.first?.axis, .time)
        XCTAssertTrue(findings.contains { $0.kind == .nonFinite && $0.firstStep == 8 })
    }

    func testShortSequencesAndMissingTracesAreIgnored() {
        XCTAssertNil(VanishingThroughTimeDetector().detect(records(Array(repeating: 0.1, count: 30), length: 1)))
        XCTAssertNil(VanishingThroughTimeDetector().detect([]))
    }
}
