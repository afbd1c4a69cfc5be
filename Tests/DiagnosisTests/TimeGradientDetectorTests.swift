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

/// The cause-before-effect ordering of the diagnoser on synthetic records.
final class DiagnoserOrderTests: XCTestCase {
    struct Fixed: Detector {
        let finding: Finding
        func detect(_ records: [StepRecord]) -> Finding? { finding }
    }

    func finding(_ kind: ProblemKind, at step: Int, ratio: Double = 1e-5) -> Finding {
        Finding(kind: kind, layer: "0", firstStep: step, evidence: ["grad_norm_ratio_first_last": ratio], explanation: "")
    }

    func testAnEarlierCauseComesBeforeItsEffect() {
        let order = Diagnoser(detectors: [Fixed(finding: finding(.dyingReLU, at: 40)), Fixed(finding: finding(.vanishingGradient, at: 0))])
        XCTAssertEqual(order.diagnose([]).map(\.kind), [.vanishingGradient, .dyingReLU])
        // Units that die first (a learning rate too high) stay the main problem.
        let dyingFirst = Diagnoser(detectors: [Fixed(finding: finding(.dyingReLU, at: 5)), Fixed(finding: finding(.vanishingGradient, at: 30))])
        XCTAssertEqual(dyingFirst.diagnose([]).map(\.kind), [.dyingReLU, .vanishingGradient])
        // Both from the first step: a shrinking signal (some gradient still arrives) is the cause …
        let together = Diagnoser(detectors: [Fixed(finding: finding(.dyingReLU, at: 0)), Fixed(finding: finding(.vanishingGradient, at: 0))])
        XCTAssertEqual(together.diagnose([]).map(\.kind), [.vanishingGradient, .dyingReLU])
        // … but a ratio of exactly 0 is dead units blocking everything: they stay the cause.
        let blocked = Diagnoser(detectors: [Fixed(finding: finding(.dyingReLU, at: 0)), Fixed(finding: finding(.vanishingGradient, at: 0, ratio: 0))])
        XCTAssertEqual(blocked.diagnose([]).map(\.kind), [.dyingReLU, .vanishingGradient])
    }
}

/// The exploding rule's blow-up branch: six decades of growth in the few records before a NaN.
final class BlowUpTests: XCTestCase {
    func record(_ step: Int, norm: Double, time: Double? = nil) -> StepRecord {
        var layer = LayerRecord(path: "0", kind: "RNN[relu](2 → 8)", activationMean: 0, activationStd: 1)
        layer.weightNorm = 1
        if let time { layer.hiddenGradNorms = [time, 1] }
        if !norm.isFinite { layer.nonFiniteCount = 1 }
        return StepRecord(step: step, epoch: 0, loss: norm.isFinite ? 1 : .nan, learningRate: 0.01, totalGradNorm: norm, applied: true, layers: [layer])
    }

    func testABlowUpBeforeNaNIsExplodingThroughTimeWhenTheRecurrentRatioWasHigh() throws {
        let run = [record(0, norm: 3e3, time: 700), record(1, norm: 4e33), record(2, norm: .nan)]
        let finding = try XCTUnwrap(ExplodingGradientDetector().detect(run))
        XCTAssertEqual(finding.firstStep, 0)
        XCTAssertEqual(finding.axis, .time)
        XCTAssertEqual(finding.evidence["growth"]!, 4e33 / 3e3, accuracy: 1e25)
        XCTAssertEqual(Diagnoser().diagnose(run).first?.kind, .explodingGradient, "the cause comes before the NaN")
    }

    func testNoBlowUpNoFinding() {
        // NaN with no growth before it (a log of 0, say) is not an exploding gradient.
        XCTAssertNil(ExplodingGradientDetector().detect([record(0, norm: 2), record(1, norm: 3), record(2, norm: .nan)]))
        // A NaN at the very first record leaves nothing to read.
        XCTAssertNil(ExplodingGradientDetector().detect([record(0, norm: .nan), record(1, norm: .nan)]))
    }
}

final class GateSaturationTests: XCTestCase {
    func records(_ gates: [[GateSummary]]) -> [StepRecord] {
        gates.enumerated().map { step, g in
            var layer = LayerRecord(path: "0", kind: "LSTM(2 → 8)", activationMean: 0, activationStd: 1)
            layer.gates = g
            return StepRecord(step: step, epoch: 0, loss: 1, learningRate: 0.01, totalGradNorm: 1, applied: true, layers: [layer])
        }
    }

    func lstm(input: Double, forget: Double) -> [GateSummary] {
        [.init(name: "input", mean: 0.5, saturatedFraction: input), .init(name: "forget", mean: 0.99, saturatedFraction: forget),
         .init(name: "cell", mean: 0, saturatedFraction: 0), .init(name: "output", mean: 0.5, saturatedFraction: 0)]
    }

    func testASaturatedInputGateFiresAndAnOpenForgetGateDoesNot() throws {
        let finding = try XCTUnwrap(GateSaturationDetector().detect(records(Array(repeating: lstm(input: 0.7, forget: 0), count: 12))))
        XCTAssertEqual(finding.kind, .saturation)
        XCTAssertEqual(finding.layer, "0")
        XCTAssertEqual(finding.evidence["gate_saturated_fraction"], 0.7)
        XCTAssertTrue(finding.explanation.contains("input gate"))
        // A forget gate held at 1 is the cell remembering: not a problem.
        XCTAssertNil(GateSaturationDetector().detect(records(Array(repeating: lstm(input: 0.1, forget: 0.95), count: 12))))
        // Saturated early, then learning moved the gate out of the tails: not sustained.
        let recovers = Array(repeating: lstm(input: 0.8, forget: 0), count: 8) + Array(repeating: lstm(input: 0.1, forget: 0), count: 8)
        XCTAssertNil(GateSaturationDetector().detect(records(recovers)))
    }
}
