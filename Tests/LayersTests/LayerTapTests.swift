import Autodiff
import Layers
import Losses
import TensorCore
import XCTest

final class LayerTapTests: XCTestCase {
    func testReadsActivationsAndBackpropagatedGradients() {
        var rng = RandomGenerator(seed: 6)
        let model = Sequential<Double>(Linear(4, 5, using: &rng), ActivationLayer(.sigmoid), Linear(5, 2, using: &rng))
        let tap = LayerTap(model)
        XCTAssertEqual(tap.paths, ["0", "1", "2"])
        let x = Variable(Tensor<Double>.normal(shape: [3, 4], using: &rng))
        let target = Tensor<Double>.normal(shape: [3, 2], using: &rng)
        let output = model(x)
        Loss.mse(output, target).backward()
        let records = tap.collect()
        XCTAssertEqual(records.map(\.path), ["0", "1", "2"])
        // At the output, ∂L/∂y of the mean squared error is 2(y − t)/N.
        let expected = (output.value - target) * (2.0 / 6)
        for (g, e) in zip(records[2].gradient!.scalars, expected.scalars) { XCTAssertEqual(g, e, accuracy: 1e-14) }
        // Through the sigmoid: ∂L/∂z = ∂L/∂a ⊙ a(1 − a).
        let a = records[1].activation
        let chained = records[1].gradient! * a * (1 - a)
        for (g, e) in zip(records[0].gradient!.scalars, chained.scalars) { XCTAssertEqual(g, e, accuracy: 1e-14) }
        XCTAssertTrue(tap.collect().isEmpty, "collect forgets the step")
    }

    func testDetachRemovesHooksAndFreesTheGraph() {
        var rng = RandomGenerator(seed: 7)
        let model = Sequential<Double>(Linear(2, 2, using: &rng), ActivationLayer(.tanh))
        let tap = LayerTap(model)
        weak var output: Variable<Double>?
        do {
            let y = model(Variable(Tensor<Double>.normal(shape: [1, 2], using: &rng)))
            output = y
            y.sum().backward()
            _ = tap.collect()
        }
        XCTAssertNil(output, "the tap kept the step's graph alive")
        tap.detach()
        _ = model(Variable(Tensor<Double>(zeros: [1, 2])))
        XCTAssertTrue(tap.collect().isEmpty)
    }
}
