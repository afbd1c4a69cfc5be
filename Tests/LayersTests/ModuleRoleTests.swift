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
