import Experiments
import Layers
import XCTest
@testable import Doctor

final class RemedyTests: XCTestCase {
    let experiment = DefaultExperiment.experiment()

    func testReLUWithHeInitReplacesSigmoid() throws {
        let (e, changes) = try XCTUnwrap(Remedy.reluWithHeInit.apply(to: experiment))
        XCTAssertFalse(e.layers.contains { $0.activation == .sigmoid })
        XCTAssertEqual(changes["model.activation"], "relu")
        XCTAssertTrue(e.layers.allSatisfy { if case .linear(_, _, _, let i) = $0 { i == .weights(.kaimingNormal(nonlinearity: .relu)) } else { true } })
    }

    func testBatchNormResidualAndFewerLayers() throws {
        let bn = try XCTUnwrap(Remedy.batchNorm.apply(to: experiment)).experiment
        XCTAssertEqual(bn.layers.count, experiment.layers.count + 8)
        XCTAssertNil(Remedy.batchNorm.apply(to: bn), "BatchNorm is not added twice")
        let residual = try XCTUnwrap(Remedy.residual.apply(to: experiment)).experiment
        XCTAssertEqual(residual.layers.filter { if case .residual = $0 { true } else { false } }.count, 8)
        let fewer = try XCTUnwrap(Remedy.fewerLayers.apply(to: experiment)).experiment
        XCTAssertEqual(fewer.layers.filter { if case .linear = $0 { true } else { false } }.count, 5)
        // Each rewritten model still builds and fits the data.
        for e in [bn, residual, fewer] { XCTAssertNoThrow(try ExperimentSetup<Float>(e)) }
    }

    func testLearningRateClippingAndAdam() throws {
        XCTAssertEqual(Remedy.lowerLearningRate.apply(to: experiment)?.experiment.optimizer.learningRate, 0.01)
        XCTAssertEqual(Remedy.higherLearningRate.apply(to: experiment)?.experiment.optimizer.learningRate, 1)
        XCTAssertNotNil(Remedy.clipping.apply(to: experiment)?.experiment.clip)
        XCTAssertEqual(Remedy.adam.apply(to: experiment)?.experiment.optimizer.kind, .adam)
        XCTAssertNil(Remedy.lessDecay.apply(to: experiment), "no decay to lower")
        XCTAssertNil(Remedy.leakyReLU.apply(to: experiment), "no ReLU to replace")
    }
}
