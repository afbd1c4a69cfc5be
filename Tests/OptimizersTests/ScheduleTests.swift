import Optimizers
import XCTest

final class ScheduleTests: XCTestCase {
    func sequence(_ schedule: any LearningRateSchedule, metrics: [Double?]) -> [Double] {
        var s = schedule
        return [s.learningRate] + metrics.map { s.step(metric: $0) }
    }

    func assertClose(_ a: [Double], _ b: [Double], line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-12, line: line) }
    }

    func testStepDecay() throws {
        assertClose(sequence(try StepDecay(baseLearningRate: 1, stepSize: 2, gamma: 0.5), metrics: Array(repeating: nil, count: 5)),
                    [1, 1, 0.5, 0.5, 0.25, 0.25])
    }

    func testExponentialDecay() throws {
        assertClose(sequence(try ExponentialDecay(baseLearningRate: 0.1, gamma: 0.9), metrics: [nil, nil, nil]),
                    [0.1, 0.09, 0.081, 0.0729])
    }

    func testCosineAnnealing() throws {
        let c = (1 + 0.5.squareRoot()) / 2
        assertClose(sequence(try CosineAnnealing(baseLearningRate: 1, tMax: 4), metrics: [nil, nil, nil, nil]),
                    [1, c, 0.5, 1 - c, 0])
        assertClose(sequence(try CosineAnnealing(baseLearningRate: 1, tMax: 2, minimumLearningRate: 0.2), metrics: [nil, nil]),
                    [1, 0.6, 0.2])
    }

    func testReduceOnPlateauPatience() throws {
        let p = try ReduceOnPlateau(baseLearningRate: 1, factor: 0.5, patience: 2)
        assertClose(sequence(p, metrics: [10, 9, 9, 9, 9, 8, 8, 8, 8]), [1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25])
    }

    func testReduceOnPlateauCooldownThresholdAndFloor() throws {
        let p = try ReduceOnPlateau(baseLearningRate: 1, factor: 0.5, patience: 1, cooldown: 2)
        assertClose(sequence(p, metrics: Array(repeating: 5, count: 8)), [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25])
        // An improvement smaller than the relative threshold counts as a bad epoch.
        let t = try ReduceOnPlateau(baseLearningRate: 1, factor: 0.5, patience: 0, threshold: 0.1)
        assertClose(sequence(t, metrics: [10, 9.5]), [1, 1, 0.5])
        let floor = try ReduceOnPlateau(baseLearningRate: 1, factor: 0.1, patience: 0, minimumLearningRate: 0.05)
        assertClose(sequence(floor, metrics: [1, 1, 1, 1]), [1, 1, 0.1, 0.05, 0.05])
    }

    func testBadScheduleValues() {
        XCTAssertThrowsError(try StepDecay(baseLearningRate: 1, stepSize: 0)) {
            XCTAssertEqual("\($0)", "step schedule: step_size must be a positive integer, got 0.0")
        }
        XCTAssertThrowsError(try ReduceOnPlateau(baseLearningRate: 1, factor: 1)) {
            XCTAssertEqual("\($0)", "plateau schedule: factor must be in (0, 1), got 1.0")
        }
    }
}
