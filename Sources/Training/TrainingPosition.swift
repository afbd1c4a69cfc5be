import TensorCore

/// Where a training run stands between two steps: enough, with the model's and optimizer's
/// state, to continue it with exactly the numbers an uninterrupted run would give.
public struct TrainingPosition: Sendable, Codable {
    /// Optimizer steps taken so far (the next step's 0-based index).
    public var step = 0
    /// The epoch in progress (0-based).
    public var epoch = 0
    /// Batches of `epoch` already taken.
    public var batchInEpoch = 0
    /// The shuffling generator as it was before `epoch`'s batches were drawn.
    public var epochShuffle: RandomGenerator
    /// Sums over `epoch`'s batches so far: loss, correct predictions, samples classified.
    public var epochLossSum = 0.0
    public var epochCorrect = 0
    public var epochSeen = 0
    /// Everything recorded so far.
    public var history = History()

    public init(shuffling: RandomGenerator) { epochShuffle = shuffling }
}
