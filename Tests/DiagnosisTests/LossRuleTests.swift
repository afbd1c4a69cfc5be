import Diagnosis
import Monitor
import XCTest

/// The loss-curve and non-finite rules on hand-made records.
final class LossRuleTests: XCTestCase {
    func run(loss: @escaping (Int) -> Double, updateRatio: Double = 1e-3, steps: Int = 40) -> [StepRecord] {
        syntheticRecords(steps: steps, loss: loss, layers: [("0", "Linear", { _, r in r.weightNorm = 1; r.updateRatio = updateRatio })])
    }

    func testOscillatingLoss() throws {
        let jumping = run(loss: { $0 % 2 == 0 ? 2.3 : 1.2 })
        XCTAssertEqual(try XCTUnwrap(OscillatingLossDetector().detect(jumping)).kind, .oscillatingLoss)
        XCTAssertNil(OscillatingLossDetector().detect(run(loss: { 2.3 * exp(-Double($0) / 10) })), "a steady descent")
        // Noise that reverses often but is small against the initial loss is not oscillation.
        XCTAssertNil(OscillatingLossDetector().detect(run(loss: { $0 == 0 ? 2.3 : 0.15 + ($0 % 2 == 0 ? 0.05 : -0.05) })))
    }

    func testSlowConvergence() throws {
        let stalled = run(loss: { 2.3 - 0.001 * Double($0) }, updateRatio: 1e-6)
        XCTAssertEqual(try XCTUnwrap(SlowConvergenceDetector().detect(stalled)).kind, .slowConvergence)
        XCTAssertNil(SlowConvergenceDetector().detect(run(loss: { 2.3 - 0.001 * Double($0) }, updateRatio: 1e-3)),
                     "a flat loss with healthy updates (noise targets) is not slow")
        XCTAssertNil(SlowConvergenceDetector().detect(run(loss: { 2.3 * exp(-Double($0) / 10) }, updateRatio: 1e-6)), "it converged")
    }

    func testNonFiniteNamesTheFirstStepAndLayer() throws {
        let records = syntheticRecords(steps: 10, loss: { $0 >= 6 ? .nan : 1 }, layers: [
            ("0", "Linear", { step, r in r.nonFiniteCount = step >= 7 ? 3 : 0 }),
            ("2", "Linear", { step, r in r.nonFiniteCount = step >= 6 ? 5 : 0 }),
        ])
        let finding = try XCTUnwrap(NonFiniteDetector().detect(records))
        XCTAssertEqual(finding.firstStep, 6)
        XCTAssertEqual(finding.layer, "2", "the first layer (in model order) that held one at that step")
        XCTAssertNil(NonFiniteDetector().detect(run(loss: { _ in 1 })))
    }
}
