import TensorCore

/// Samples held in memory; each epoch visits them in a fresh seeded order (Fisher–Yates) in
/// batches of `batchSize`, the last one possibly smaller (PyTorch's `DataLoader(shuffle=True)`).
public struct InMemoryDataset<Scalar: TensorScalar>: Dataset, Sendable {
    /// `[samples, …]`.
    public let inputs: Tensor<Scalar>
    /// `[samples]` (class indices) or `[samples, outputs]`.
    public let targets: Tensor<Scalar>
    /// Whether epochs are shuffled (default true).
    public let shuffles: Bool

    public init(inputs: Tensor<Scalar>, targets: Tensor<Scalar>, shuffles: Bool = true) {
        precondition(inputs.rank >= 1 && targets.rank >= 1 && inputs.shape[0] == targets.shape[0],
                     "InMemoryDataset: \(inputs.shape[0]) inputs but \(targets.shape.first ?? 0) targets")
        self.inputs = inputs
        self.targets = targets
        self.shuffles = shuffles
    }

    /// The number of samples.
    public var count: Int { inputs.shape[0] }

    public func batchCount(batchSize: Int) -> Int { (count + batchSize - 1) / batchSize }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func epoch(batchSize: Int, using rng: inout RandomGenerator) -> [Batch<Scalar>] {
        precondition(batchSize > 0, "InMemoryDataset: batch size must be positive, got \(batchSize)")
        var order = Array(0..<count)
        if shuffles {
            for i in stride(from: count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            }
        }
        return batches(batchSize: batchSize, order: order)
    }

    /// Every sample in stored order, in batches of `batchSize` (evaluation).
    public func batches(batchSize: Int) -> [Batch<Scalar>] {
        precondition(batchSize > 0, "InMemoryDataset: batch size must be positive, got \(batchSize)")
        return batches(batchSize: batchSize, order: Array(0..<count))
    }

    private func batches(batchSize: Int, order: [Int]) -> [Batch<Scalar>] {
        stride(from: 0, to: count, by: batchSize).map { start in
            let rows = Array(order[start..<Swift.min(start + batchSize, count)])
            return Batch(inputs: inputs.rows(rows), targets: targets.rows(rows))
        }
    }
}

extension Tensor {
    /// The rows (first-dimension slices) at `indices`, in that order.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func rows(_ indices: [Int]) -> Tensor {
        let width = count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = indices.count
        return withUnsafeBufferPointer { src in
            Tensor(shape: outShape) { out in
                for (r, i) in indices.enumerated() {
                    precondition(i >= 0 && i < shape[0], "rows: index \(i) out of range for \(shape[0]) rows")
                    (out.baseAddress! + r * width).update(from: src.baseAddress! + i * width, count: width)
                }
            }
        }
    }
}

extension InMemoryDataset {
    /// A seeded random split into training and test sets: `testFraction` (in [0, 1)) of the
    /// samples, rounded, go to the test set; both keep this dataset's shuffling setting.
    public func split(testFraction: Double, using rng: inout RandomGenerator) -> (train: InMemoryDataset, test: InMemoryDataset) {
        precondition(testFraction >= 0 && testFraction < 1, "split: test fraction must be in [0, 1), got \(testFraction)")
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let testCount = Int((Double(count) * testFraction).rounded())
        let test = Array(order.prefix(testCount)), train = Array(order.dropFirst(testCount))
        return (InMemoryDataset(inputs: inputs.rows(train), targets: targets.rows(train), shuffles: shuffles),
                InMemoryDataset(inputs: inputs.rows(test), targets: targets.rows(test), shuffles: shuffles))
    }
}
