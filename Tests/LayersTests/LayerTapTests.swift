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

    /// The summaries taken inside the hooks equal the same statistics computed afterwards from
    /// the records' tensors; with `summarizes` off there are none.
    func testHookSummariesEqualStatisticsOfTheRecords() {
        var rng = RandomGenerator(seed: 8)
        let model = Sequential<Float>(Linear(6, 7, using: &rng), ActivationLayer(.tanh), Linear(7, 3, using: &rng))
        let tap = LayerTap(model)
        let x = Variable(Tensor<Float>.normal(shape: [5, 6], using: &rng))
        model(x).sum().backward()
        for record in tap.collect() {
            let summary = try! XCTUnwrap(record.summary, record.path)
            let (sum, squares, finite) = record.activation.finiteStatistics()
            XCTAssertEqual(summary.sum, sum, accuracy: 1e-9, record.path)
            XCTAssertEqual(summary.sumOfSquares, squares, accuracy: 1e-9, record.path)
            XCTAssertEqual(summary.finite, finite)
            let gradientNorm = try! XCTUnwrap(record.gradient).l2Norm()
            XCTAssertGreaterThan(gradientNorm, 0)
            XCTAssertEqual(try! XCTUnwrap(record.gradientSquares).squareRoot(), gradientNorm, accuracy: 1e-6 * gradientNorm)
            if record.path == "1" {
                let expected = try! XCTUnwrap(record.activation.outputDerivativeStatistics(.tanh))
                XCTAssertEqual(summary.derivative?.meanDerivative ?? .nan, expected.meanDerivative, accuracy: 1e-9)
            } else {
                XCTAssertNil(summary.derivative, "a Linear layer has no activation derivative")
            }
        }
        XCTAssertNotNil(model.layers[1].forwardSummaries, "the activation took its statistics in its kernel")
        tap.summarizes = false
        model(x).sum().backward()
        XCTAssertNil(model.layers[1].forwardSummaries)
        for record in tap.collect() {
            XCTAssertNil(record.summary)
            XCTAssertNil(record.gradientSquares)
            XCTAssertNotNil(record.gradient)
        }
    }

    /// Without kept gradients the records carry no ∂L/∂a tensor, yet its sum of squares, taken
    /// in the gradient hook, is the same.
    func testGradientSquaresWithoutKeptGradients() {
        var rng = RandomGenerator(seed: 9)
        let model = Sequential<Double>(Linear(4, 5, using: &rng), ActivationLayer(.sigmoid), Linear(5, 2, using: &rng))
        let tap = LayerTap(model)
        let x = Variable(Tensor<Double>.normal(shape: [3, 4], using: &rng))
        model(x).sum().backward()
        let kept = tap.collect()
        tap.keepsGradients = false
        model(x).sum().backward()
        let freed = tap.collect()
        XCTAssertEqual(freed.count, 3)
        for (a, b) in zip(kept, freed) {
            XCTAssertNil(b.gradient, b.path)
            let norm = try! XCTUnwrap(a.gradient).l2Norm()
            XCTAssertGreaterThan(norm, 0)
            XCTAssertEqual(try! XCTUnwrap(b.gradientSquares), norm * norm, accuracy: 1e-12 * norm * norm, b.path)
        }
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

    /// A layer whose output no activation kernel reads (here a Linear before a LayerNorm, and the
    /// last Linear) is summarised at the next hook or at `collect()`; each summary equals the
    /// statistics of the record, and the gradient squares those of the gradient.
    func testOutputsNoKernelSummarisesAreSummarisedLater() throws {
        var rng = RandomGenerator(seed: 9)
        let model = Sequential<Float>(
            Linear(6, 8, using: &rng), LayerNorm(features: 8), ActivationLayer(.relu), Linear(8, 8, using: &rng), ActivationLayer(.sigmoid),
            Linear(8, 2, using: &rng))
        let tap = LayerTap(model)
        let x = Variable(Tensor<Float>.normal(shape: [5, 6], using: &rng))
        model(x).sum().backward()
        let records = tap.collect()
        XCTAssertEqual(records.count, 6)
        for record in records {
            let summary = try XCTUnwrap(record.summary, record.path)
            let (sum, squares, finite) = record.activation.finiteStatistics()
            XCTAssertEqual(summary.sum, sum, accuracy: 1e-5 * Swift.abs(sum) + 1e-9, record.path)
            XCTAssertEqual(summary.sumOfSquares, squares, accuracy: 1e-5 * squares, record.path)
            XCTAssertEqual(summary.finite, finite, record.path)
            let gradient = try XCTUnwrap(record.gradient, record.path).sumOfSquares()
            XCTAssertEqual(try XCTUnwrap(record.gradientSquares, record.path), gradient, accuracy: 1e-5 * gradient, record.path)
        }
    }

    /// With `keepsLastCallOnly` the tap holds each layer's latest output: three forward passes
    /// give one record per layer, from the last pass, with its gradient's squares; a backward
    /// pass through an earlier, forgotten pass's graph reaches no hook. Without it, every call.
    func testKeepsOnlyTheLastCallWhenAsked() throws {
        var rng = RandomGenerator(seed: 10)
        let model = Sequential<Double>(Linear(4, 5, using: &rng), ActivationLayer(.sigmoid), Linear(5, 2, using: &rng))
        let tap = LayerTap(model)
        tap.keepsLastCallOnly = true
        let inputs = (0..<3).map { _ in Variable(Tensor<Double>.normal(shape: [3, 4], using: &rng)) }
        let outputs = inputs.map { model($0) }
        outputs[2].sum().backward()
        outputs[0].sum().backward()  // the first pass's graph: its outputs were unhooked
        let records = tap.collect()
        XCTAssertEqual(records.map(\.path), ["0", "1", "2"])
        XCTAssertEqual(records[2].activation.scalars, outputs[2].value.scalars, "the last pass's output")
        for record in records {
            let gradient = try XCTUnwrap(record.gradient, record.path)
            let squares = try XCTUnwrap(record.gradientSquares, record.path)
            XCTAssertEqual(squares, gradient.sumOfSquares(), accuracy: 1e-12 * squares, record.path)
        }
        tap.keepsLastCallOnly = false
        for x in inputs { _ = model(x) }
        XCTAssertEqual(tap.collect().map(\.path), ["0", "1", "2", "0", "1", "2", "0", "1", "2"], "every call, in call order")
    }
}
