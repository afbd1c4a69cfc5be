import Autodiff
import TensorCore

/// Batch normalisation over a `[batch, features]` input (Ioffe & Szegedy 2015), PyTorch's
/// `nn.BatchNorm1d`: in training mode `y = γ·(x − μ_B)/√(σ²_B + eps) + β` with the batch's mean
/// and biased variance, and the running statistics updated as
/// `running ← (1 − momentum)·running + momentum·batch` (the variance *unbiased*, n/(n−1));
/// in evaluation mode the running statistics are used instead.
public final class BatchNorm1d<Scalar: TensorScalar>: Module<Scalar> {
    /// γ, `[features]`, initially 1.
    public let weight: Variable<Scalar>
    /// β, `[features]`, initially 0.
    public let bias: Variable<Scalar>
    public let runningMean: Buffer<Scalar>
    public let runningVariance: Buffer<Scalar>
    /// Training-mode forward passes so far (PyTorch's `num_batches_tracked`).
    public let batchesTracked: Buffer<Scalar>
    public let epsilon: Double
    public let momentum: Double
    /// The processes of a data-parallel run whose rows a training-mode batch spans
    /// (SyncBatchNorm): the batch statistics are then the global batch's, as in one process.
    /// The `Trainer` sets it from its `parallelism`; default nil, this process's rows alone.
    public var processGroup: (any ProcessGroup)?

    /// PyTorch's defaults: eps 1e-5, momentum 0.1.
    public init(features: Int, epsilon: Double = 1e-5, momentum: Double = 0.1) {
        precondition(features > 0, "BatchNorm1d: features must be positive, got \(features)")
        precondition(epsilon > 0 && momentum >= 0 && momentum <= 1, "BatchNorm1d: need eps > 0 and momentum in [0, 1]")
        weight = Variable(Tensor(repeating: 1, shape: [features]), requiresGrad: true)
        bias = Variable(Tensor(zeros: [features]), requiresGrad: true)
        runningMean = Buffer(Tensor(zeros: [features]))
        runningVariance = Buffer(Tensor(repeating: 1, shape: [features]))
        batchesTracked = Buffer(Tensor(0))
        self.epsilon = epsilon
        self.momentum = momentum
    }

    public var features: Int { weight.shape[0] }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        shapePrecondition { try checkFeatureInput(summary, input.shape, features: features) }
        guard isTraining else {
            let inverseStd = runningVariance.value.map { 1 / ($0 + Scalar(epsilon)).squareRoot() }
            return (input - Variable(runningMean.value)) * Variable(inverseStd) * weight + bias
        }
        precondition(input.shape[0] > 1 || processGroup != nil,
                     "\(summary): training mode needs more than one sample per batch, got \(input.shape[0])")
        let (normalized, stats) = input.normalized(alongAxis: 0, epsilon: epsilon, across: processGroup)
        let m = Scalar(momentum), n = Scalar(stats.count)
        runningMean.value = Tensor(shape: [features], scalars: zip(runningMean.value.scalars, stats.mean).map { (1 - m) * $0 + m * $1 })
        runningVariance.value = Tensor(shape: [features], scalars: zip(runningVariance.value.scalars, stats.variance).map {
            (1 - m) * $0 + m * $1 * n / (n - 1)
        })
        batchesTracked.value = Tensor(batchesTracked.value.scalar + 1)
        return normalized * weight + bias
    }

    public override var localParameters: [(name: String, variable: Variable<Scalar>)] { [("weight", weight), ("bias", bias)] }
    public override var weightParameters: [Variable<Scalar>] { [weight] }

    public override var localBuffers: [(name: String, buffer: Buffer<Scalar>)] {
        [("running_mean", runningMean), ("running_var", runningVariance), ("num_batches_tracked", batchesTracked)]
    }

    public override func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        try checkFeatureInput(summary, inputShape, features: features)
        return inputShape
    }

    public override var summary: String { "BatchNorm1d(\(features))" }
}
