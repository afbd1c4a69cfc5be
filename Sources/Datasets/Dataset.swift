import TensorCore

/// One mini-batch: inputs `[batch, …]` and targets (`[batch]` class indices or `[batch, k]`).
public struct Batch<Scalar: TensorScalar>: Sendable {
    public let inputs: Tensor<Scalar>
    public let targets: Tensor<Scalar>

    public init(inputs: Tensor<Scalar>, targets: Tensor<Scalar>) {
        precondition(inputs.rank >= 1 && targets.rank >= 1 && inputs.shape[0] == targets.shape[0],
                     "Batch: inputs \(inputs.shape) and targets \(targets.shape) must have the same first dimension")
        self.inputs = inputs
        self.targets = targets
    }

    /// The number of samples.
    public var count: Int { inputs.shape[0] }
}

/// Where training batches come from: one epoch is a sequence of batches.
public protocol Dataset<Scalar> {
    associatedtype Scalar: TensorScalar
    /// How many batches one epoch has.
    func batchCount(batchSize: Int) -> Int
    /// One epoch's batches, shuffled (or generated) with `rng`.
    func epoch(batchSize: Int, using rng: inout RandomGenerator) -> [Batch<Scalar>]
}
