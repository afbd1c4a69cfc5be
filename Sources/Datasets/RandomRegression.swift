import TensorCore

/// Fresh N(0, 1) inputs and targets for every batch, one batch an epoch (source article 001's example:
/// `torch.randn(64, 10)`, `torch.randn(64, 1)`). There is nothing to learn: the loss stays near 1.
public struct RandomRegression<Scalar: TensorScalar>: Dataset, Sendable {
    public let features: Int
    public let outputs: Int

    public init(features: Int = 10, outputs: Int = 1) {
        precondition(features > 0 && outputs > 0, "RandomRegression: sizes must be positive")
        self.features = features
        self.outputs = outputs
    }

    public func batchCount(batchSize: Int) -> Int { 1 }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func epoch(batchSize: Int, using rng: inout RandomGenerator) -> [Batch<Scalar>] {
        [Batch(inputs: .normal(shape: [batchSize, features], using: &rng),
               targets: .normal(shape: [batchSize, outputs], using: &rng))]
    }
}
