import Optimizers

/// Training stopped early; the history up to that point is kept.
public struct TrainingError: Error, CustomStringConvertible {
    /// The step at which it stopped (0-based).
    public let step: Int
    public let reason: String
    /// Everything recorded before the stop.
    public let history: History

    public var description: String { "training stopped at step \(step): \(reason)" }
}
