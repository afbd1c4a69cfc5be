import GradGuard
import XCTest

final class ExamplesTests: XCTestCase {
    func testSeed001RunsItsHundredEpochsWithClipStatistics() throws {
        var epochs: [Int] = []
        let (history, clip) = try Seed001Example.run(epochs: 100, seed: 0) { epoch, _ in epochs.append(epoch) }
        XCTAssertEqual(epochs, Array(1...100))
        XCTAssertEqual(history.stepLosses.count, 100)
        XCTAssertEqual(clip.steps, 100)
        XCTAssertGreaterThan(clip.clippedSteps, 0, "a norm-1 clip bites on this workload")
        XCTAssertLessThanOrEqual(clip.minimumScale, 1)
        // Random targets: nothing to learn, the MSE stays near the targets' variance (1).
        let late = history.stepLosses.suffix(20).reduce(0, +) / 20
        XCTAssertEqual(late, 1, accuracy: 0.3)
    }

    func testGradientFlowShowsVanishingAndExploding() {
        let vanishing = GradientFlow.measure(label: "", activation: .sigmoid, initializer: .normal(std: 0.05), depth: 8)
        let exploding = GradientFlow.measure(label: "", activation: .relu, initializer: .normal(std: 0.5), depth: 8)
        let healthy = GradientFlow.measure(label: "", activation: .relu, initializer: .kaimingNormal(nonlinearity: .relu), depth: 8)
        XCTAssertEqual(vanishing.norms.count, 8)
        XCTAssertLessThan(vanishing.firstOverLast, 1e-5)
        XCTAssertGreaterThan(exploding.firstOverLast, 1e2)
        XCTAssertEqual(log10(healthy.firstOverLast), 0, accuracy: 1)
    }
}
