import Diagnosis
import Layers
import Monitor
import XCTest

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
