import Diagnosis
import Layers
import Monitor
import XCTest

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
