import Autodiff
import Layers
import TensorCore
import XCTest

final class LinearTests: XCTestCase {
    func testForwardIsXWTransposePlusBias() {
        let w = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let layer = Linear(weight: w, bias: Tensor([0.5, -1]))
        let y = layer(Variable(Tensor(shape: [1, 3], scalars: [1, 0, -1])))
        XCTAssertEqual(y.value.scalars, [1 - 3 + 0.5, 4 - 6 - 1])
    }

    func testDefaultInitIsPyTorchs() {
        var rng = RandomGenerator(seed: 1)
        let layer = Linear<Double>(100, 50, using: &rng)
        XCTAssertEqual(layer.weight.shape, [50, 100])
        XCTAssertEqual(layer.bias?.shape, [50])
        XCTAssertLessThanOrEqual(layer.weight.value.scalars.map(Swift.abs).max()!, 0.1)
        XCTAssertLessThanOrEqual(layer.bias!.value.scalars.map(Swift.abs).max()!, 0.1)
    }

    func testParameterGradientsMatchFiniteDifferences() {
        var rng = RandomGenerator(seed: 2)
        let layer = Linear<Double>(4, 3, using: &rng)
        let x = Variable(Tensor<Double>.normal(shape: [5, 4], using: &rng), requiresGrad: true)
        let results = GradientCheck.check([x, layer.weight, layer.bias!]) { layer(x).tanh() }
        for r in results { XCTAssertLessThan(r.relativeError, 1e-6) }
    }

    func testShapeCheckNamesLayerAndShapes() {
        var rng = RandomGenerator(seed: 3)
        let model = Sequential<Float>(Linear(4, 8, using: &rng), ActivationLayer(.relu), Linear(6, 2, using: &rng))
        XCTAssertThrowsError(try model.outputShape(for: [10, 4])) { error in
            XCTAssertEqual("\(error)", "layer 2 (Linear(6 → 2)): Linear(6 → 2): shape mismatch between [10, 8] and [2, 6]: input must be [batch, 6]")
        }
        let ok = Sequential<Float>(Linear(4, 8, using: &rng), ActivationLayer(.relu), Linear(8, 2, using: &rng))
        XCTAssertEqual(try ok.outputShape(for: [10, 4]), [10, 2])
    }
}
