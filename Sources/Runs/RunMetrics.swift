// The numbers that summarise a run: its final test metrics and each epoch's line.
import Training

/// `final` of the doctor document: test-set loss (or the last epoch's mean training loss when
/// there is no test set), test accuracy for classification, and the steps taken.
public struct FinalMetrics: Codable, Sendable, Equatable {
    public var loss: Double
    public var accuracy: Double?
    public var steps: Int

    public init(loss: Double, accuracy: Double?, steps: Int) {
        self.loss = loss
        self.accuracy = accuracy
        self.steps = steps
    }
}

/// One epoch's summary line: mean training loss and accuracy, and the first/last gradient ratio
/// of the epoch's last record (the worst layer's share of the gradient).
public struct EpochSummary: Sendable, Equatable {
    public var epoch: Int
    public var epochs: Int
    public var loss: Double
    public var accuracy: Double?
    public var gradientRatio: Double?
    /// The validation score taken after this epoch, if one was.
    public var validation: ValidationScore?
}

/// What the validation set said over a run (doctor.json's `validation`).
public struct ValidationSummary: Codable, Sendable, Equatable {
    /// Every score, in order.
    public var scores: [ValidationScore]
    /// The epoch with the lowest validation loss (its weights are `best.safetensors`), or nil.
    public var bestEpoch: Int?
    /// The epoch after which early stopping ended training, or nil.
    public var stoppedEarlyAfterEpoch: Int?

    /// The summary of `history`, or nil when it has no validation scores.
    public init?(_ history: History) {
        guard !history.validation.isEmpty else { return nil }
        scores = history.validation
        bestEpoch = history.bestValidation?.epoch
        stoppedEarlyAfterEpoch = history.stoppedEarlyAfterEpoch
    }
}
