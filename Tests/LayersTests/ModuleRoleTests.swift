import Autodiff
import Foundation
import Initializers
import Layers
import TensorCore
import XCTest

/// The roles each layer declares for the gradient monitor.
final class ModuleRoleTests: XCTestCase {
    func testEachLayerNamesItsWeightsActivationAndUnits() {
        var rng = RandomGenerator(seed: 1)
        let linear = Linear<Float>(3, 4, using: &rng)
        XCTAssertTrue(linear.weightParameters.map(ObjectIdentifier.init) == [ObjectIdentifier(linear.weight)])
        XCTAssertTrue(linear.unitWeights === linear.weight)
        XCTAssertNil(linear.observedActivation)
        let tanh = ActivationLayer<Float>(.tanh)
        XCTAssertEqual(tanh.observedActivation, .tanh)
        XCTAssertTrue(tanh.isElementwiseActivation)
        XCTAssertTrue(tanh.weightParameters.isEmpty)
        let rnn = RNN<Float>(2, 5, nonlinearity: .relu, using: &rng)
        XCTAssertEqual(rnn.observedActivation, .relu)
        XCTAssertFalse(rnn.isElementwiseActivation, "an RNN's output is not its input passed through ReLU")
        XCTAssertEqual(rnn.weightParameters.count, 2)
        XCTAssertNil(rnn.timeStepGradientNorms, "no backward pass yet")
        XCTAssertNil(LSTM<Float>(2, 5, using: &rng).observedActivation, "a gated cell's output is not one nonlinearity's")
        let norm = BatchNorm1d<Float>(features: 4)
        XCTAssertTrue(norm.weightParameters.first === norm.weight)
        XCTAssertNil(Sequential<Float>([linear, tanh]).unitWeights, "a container has no units of its own")
    }
}

/// The gate summaries an LSTM and a GRU keep of their last forward pass.
final class GateSummaryTests: XCTestCase {
    func testGateMeansAndSaturationMatchTheGatesByHand() {
        var rng = RandomGenerator(seed: 2)
        // Zero weights: every gate is its bias through its nonlinearity, at every step and sample.
        let lstm = LSTM<Float>(3, 4, inputWeightInitializer: .zeros, recurrentWeightInitializer: .zeros, biasInitializer: .zeros, using: &rng)
        lstm.biasIH!.value = Tensor([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 9, 9, 9, 9] as [Float])  // i, f, g, o
        XCTAssertNil(lstm.gateSummaries, "no forward pass yet")
        _ = lstm(Variable(Tensor<Float>.normal(shape: [2, 5, 3], using: &rng)))
        let gates = try! XCTUnwrap(lstm.gateSummaries)
        XCTAssertEqual(gates.map(\.name), ["input", "forget", "cell", "output"])
        XCTAssertEqual(gates[0].mean, 0.5, accuracy: 1e-6)
        XCTAssertEqual(gates[1].mean, 1 / (1 + exp(-1)), accuracy: 1e-6)
        XCTAssertEqual(gates[2].mean, 0, accuracy: 1e-6)
        XCTAssertEqual(gates.map(\.saturatedFraction), [0, 0, 0, 1], "σ(9) = 0.99988 is in the flat tail")
        let gru = GRU<Float>(3, 4, using: &rng)
        _ = gru(Variable(Tensor<Float>.normal(shape: [2, 5, 3], using: &rng)))
        XCTAssertEqual(gru.gateSummaries?.map(\.name), ["reset", "update", "new"])
        XCTAssertNil(RNN<Float>(3, 4, using: &rng).gateSummaries)
    }
}
