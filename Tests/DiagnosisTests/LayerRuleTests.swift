import Diagnosis
import Monitor
import XCTest

/// The per-layer rules on hand-made records: each fires, stays quiet, and meets its edge case.
final class LayerRuleTests: XCTestCase {
    func dead(_ path: String, _ fraction: @escaping (Int) -> Double) -> [StepRecord] {
        syntheticRecords(steps: 30, layers: [(path, "relu", { step, r in r.deadFraction = fraction(step) })])
    }

    func testDyingReLU() throws {
        let finding = try XCTUnwrap(DyingReLUDetector().detect(dead("1", { $0 < 5 ? 0.1 : 0.8 })))
        XCTAssertEqual(finding.kind, .dyingReLU)
        XCTAssertEqual(finding.firstStep, 5)
        XCTAssertEqual(finding.evidence["dead_fraction"], 0.8)
        XCTAssertNil(DyingReLUDetector().detect(dead("1", { _ in 0.3 })), "under half dead")
        XCTAssertNil(DyingReLUDetector().detect(dead("1", { $0 < 20 ? 0.9 : 0.1 })), "units that revive")
        XCTAssertNil(DyingReLUDetector().detect(dead("2.body.1", { _ in 0.9 })), "inside a shortcut body")
    }

    func testSaturation() throws {
        let saturated = syntheticRecords(steps: 30, layers: [("1", "sigmoid", { _, r in r.saturatedFraction = 0.7 })])
        XCTAssertEqual(try XCTUnwrap(SaturationDetector().detect(saturated)).evidence["saturated_fraction"], 0.7)
        let mild = syntheticRecords(steps: 30, layers: [("1", "tanh", { _, r in r.saturatedFraction = 0.05 })])
        XCTAssertNil(SaturationDetector().detect(mild))
        // Exactly at the threshold counts (≥ 50 %).
        XCTAssertNotNil(SaturationDetector().detect(syntheticRecords(steps: 30, layers: [("1", "tanh", { _, r in r.saturatedFraction = 0.5 })])))
    }

    func testSymmetry() throws {
        let stuck = syntheticRecords(steps: 10, layers: [("0", "Linear(4 → 8)", { _, r in r.identicalUnitFraction = 1; r.weightNorm = 1 })])
        XCTAssertEqual(try XCTUnwrap(SymmetryDetector().detect(stuck)).layer, "0")
        let broken = syntheticRecords(steps: 10, layers: [("0", "Linear(4 → 8)", { step, r in r.identicalUnitFraction = step < 3 ? 1 : 0 })])
        XCTAssertNil(SymmetryDetector().detect(broken), "symmetry that training broke (dropout, say) is gone at the end")
        // The monitor checks units on a sparser schedule: the last record that has the fraction counts.
        let sparse = syntheticRecords(steps: 10, layers: [("0", "Linear(4 → 8)", { step, r in r.identicalUnitFraction = step % 4 == 0 ? 1 : nil })])
        XCTAssertEqual(try XCTUnwrap(SymmetryDetector().detect(sparse)).firstStep, 0)
        let sparseBroken = syntheticRecords(steps: 10, layers: [("0", "Linear(4 → 8)", { step, r in r.identicalUnitFraction = step % 4 == 0 ? (step < 8 ? 1 : 0) : nil })])
        XCTAssertNil(SymmetryDetector().detect(sparseBroken))
    }

    func testWeightTrends() throws {
        let growing = syntheticRecords(steps: 40, layers: [("0", "Linear", { step, r in r.weightNorm = pow(1.2, Double(step)) })])
        XCTAssertEqual(try XCTUnwrap(WeightTrendDetector().detect(growing)).kind, .weightsGrowing)
        let shrinking = syntheticRecords(steps: 40, layers: [("0", "Linear", { step, r in r.weightNorm = pow(0.85, Double(step)) })])
        XCTAssertEqual(try XCTUnwrap(WeightTrendDetector().detect(shrinking)).kind, .weightsShrinking)
        let zero = syntheticRecords(steps: 10, layers: [("0", "Linear", { _, r in r.weightNorm = 0 })])
        XCTAssertEqual(try XCTUnwrap(WeightTrendDetector().detect(zero)).kind, .weightsAtZero)
        // An output layer started at 0: it grows 1000× in its first steps, then settles.
        let fromZero = syntheticRecords(steps: 40, layers: [("2", "Linear", { step, r in r.weightNorm = 3 * (1 - exp(-Double(step + 1) / 2)) })])
        XCTAssertNil(WeightTrendDetector().detect(fromZero))
    }
}
