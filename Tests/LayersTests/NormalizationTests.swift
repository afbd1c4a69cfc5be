import Autodiff
import Layers
import Losses
import TensorCore
import XCTest

final class NormalizationTests: XCTestCase {
    func input(_ shape: [Int], seed: UInt64 = 1) -> Variable<Double> {
        var rng = RandomGenerator(seed: seed)
        return Variable(Tensor<Double>.normal(shape: shape, mean: 0.5, std: 2, using: &rng), requiresGrad: true)
    }

    /// γ and β away from 1 and 0 so their gradients are exercised.
    func perturb(_ weight: Variable<Double>, _ bias: Variable<Double>) {
        var rng = RandomGenerator(seed: 9)
        weight.value = weight.value + Tensor.normal(shape: weight.shape, std: 0.3, using: &rng)
        bias.value = Tensor.normal(shape: bias.shape, using: &rng)
    }

    func testBatchNormTrainingGradients() {
        let bn = BatchNorm1d<Double>(features: 4)
        perturb(bn.weight, bn.bias)
        let x = input([6, 4])
        for r in GradientCheck.check([x, bn.weight, bn.bias], { bn(x).tanh() }) { XCTAssertLessThan(r.relativeError, 1e-6) }
    }

    /// A process group of one process: the statistics go through its sums, and the gradient,
    /// checked against finite differences, is the same closed form.
    final class OneProcess: ProcessGroup {
        var batchShare = 1.0
        var calls = 0
        func sum(_ values: inout [Double]) { calls += 1 }
    }

    func testBatchNormOverAProcessGroupOfOne() {
        let bn = BatchNorm1d<Double>(features: 4)
        perturb(bn.weight, bn.bias)
        let group = OneProcess()
        bn.processGroup = group
        let x = input([6, 4])
        for r in GradientCheck.check([x, bn.weight, bn.bias], { bn(x).tanh() }) { XCTAssertLessThan(r.relativeError, 1e-6) }
        XCTAssertGreaterThan(group.calls, 0)
        let grouped = BatchNorm1d<Double>(features: 4), plain = BatchNorm1d<Double>(features: 4)
        perturb(grouped.weight, grouped.bias)
        perturb(plain.weight, plain.bias)
        grouped.processGroup = group
        let (a, b) = (grouped(x), plain(x))
        for (u, v) in zip(a.value.scalars, b.value.scalars) { XCTAssertEqual(u, v, accuracy: 1e-12) }
        for (u, v) in zip(grouped.runningVariance.value.scalars, plain.runningVariance.value.scalars) { XCTAssertEqual(u, v, accuracy: 1e-12) }
        for (u, v) in zip(grouped.runningMean.value.scalars, plain.runningMean.value.scalars) { XCTAssertEqual(u, v, accuracy: 1e-12) }
    }

    func testLayerNormGradients() {
        let ln = LayerNorm<Double>(features: 5)
        perturb(ln.weight, ln.bias)
        let x = input([3, 5])
        for r in GradientCheck.check([x, ln.weight, ln.bias], { ln(x).tanh() }) { XCTAssertLessThan(r.relativeError, 1e-6) }
    }

    func testBatchNormNormalisesTheBatchAndTracksRunningStatistics() {
        let bn = BatchNorm1d<Double>(features: 2, momentum: 0.5)
        let x = Variable(Tensor<Double>(shape: [4, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 40]))
        let y = bn(x).value
        XCTAssertEqual(y.sum(alongAxes: [0]).scalars[0], 0, accuracy: 1e-12)
        XCTAssertEqual(y.squared().mean(alongAxes: [0]).scalars[1], 1, accuracy: 1e-4)
        XCTAssertEqual(bn.runningMean.value.scalars, [0.5 * 2.5, 0.5 * 25])
        // Unbiased variance of (1, 2, 3, 4) is 5/3; running = 0.5·1 + 0.5·5/3.
        XCTAssertEqual(bn.runningVariance.value.scalars[0], 0.5 + 0.5 * 5.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(bn.batchesTracked.value.scalar, 1)
        XCTAssertEqual(bn.stateDict().keys.sorted(), ["bias", "num_batches_tracked", "running_mean", "running_var", "weight"])
    }

    func testBatchNormEvaluationUsesRunningStatistics() {
        let bn = BatchNorm1d<Double>(features: 2)
        bn.runningMean.value = Tensor([1, -1])
        bn.runningVariance.value = Tensor([4, 9])
        bn.eval()
        let y = bn(Variable(Tensor(shape: [1, 2], scalars: [3, 2]))).value
        XCTAssertEqual(y.scalars[0], 2 / (4 + 1e-5).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(y.scalars[1], 3 / (9 + 1e-5).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(bn.batchesTracked.value.scalar, 0, "evaluation does not update statistics")
        bn.train()
        XCTAssertTrue(bn.isTraining)
    }

    func testResidualGradientsAndNames() {
        var rng = RandomGenerator(seed: 3)
        let model = Sequential<Double>(Linear(3, 4, using: &rng),
                                       Residual(Sequential(ActivationLayer(.relu), Linear(4, 4, using: &rng))))
        XCTAssertEqual(model.namedParameters().map(\.name), ["0.weight", "0.bias", "1.body.1.weight", "1.body.1.bias"])
        let x = input([5, 3])
        for r in GradientCheck.check([x] + model.parameters, { model(x).tanh() }) { XCTAssertLessThan(r.relativeError, 1e-6) }
        XCTAssertThrowsError(try Residual<Double>(Linear(4, 3, using: &rng)).outputShape(for: [2, 4]))
    }

    func testDropoutScalesSurvivorsAndIsIdentityInEvaluation() {
        let dropout = Dropout<Double>(probability: 0.25, seed: 1)
        let x = Variable(Tensor<Double>(repeating: 1, shape: [100, 100]))
        let y = dropout(x).value.scalars
        let kept = y.filter { $0 != 0 }
        XCTAssertTrue(kept.allSatisfy { abs($0 - 1 / 0.75) < 1e-12 })
        XCTAssertEqual(Double(kept.count) / 10_000, 0.75, accuracy: 0.02)
        dropout.eval()
        XCTAssertEqual(dropout(x).value, x.value)
        XCTAssertTrue(Dropout<Double>(probability: 1)(x).value.scalars.allSatisfy { $0 == 0 })
    }
}
