/// What a training run recorded.
public struct History: Sendable, Equatable, Codable {
    /// The data loss of every step (without the L2 term), in order.
    public internal(set) var stepLosses: [Double] = []
    /// The mean data loss of each epoch's steps.
    public internal(set) var epochLosses: [Double] = []
    /// The fraction of correct predictions in each epoch's batches (classification only).
    public internal(set) var epochAccuracies: [Double] = []
    /// The learning rate each epoch used.
    public internal(set) var learningRates: [Double] = []
    /// Steps skipped because the gradient norm was not finite.
    public internal(set) var skippedSteps = 0
    /// True when a stop request (Ctrl-C, `Trainer.stopRequested`) ended the run before its last step.
    public internal(set) var interrupted = false
    /// The validation set's scores, in order (empty without a validation set).
    public internal(set) var validation: [ValidationScore] = []
    /// The 1-based epoch after which early stopping ended training, or nil.
    public internal(set) var stoppedEarlyAfterEpoch: Int?

    public init() {}

    /// A history rebuilt from saved numbers (a run folder's files).
    public init(stepLosses: [Double], epochLosses: [Double] = [], epochAccuracies: [Double] = [],
                learningRates: [Double] = [], skippedSteps: Int = 0, validation: [ValidationScore] = [],
                stoppedEarlyAfterEpoch: Int? = nil) {
        self.stepLosses = stepLosses
        self.epochLosses = epochLosses
        self.epochAccuracies = epochAccuracies
        self.learningRates = learningRates
        self.skippedSteps = skippedSteps
        self.validation = validation
        self.stoppedEarlyAfterEpoch = stoppedEarlyAfterEpoch
    }

    enum CodingKeys: String, CodingKey {
        case stepLosses, epochLosses, epochAccuracies, learningRates, skippedSteps, interrupted, validation, stoppedEarlyAfterEpoch
    }

    /// Reads a history; checkpoints written before validation existed have no `validation` key.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stepLosses = try c.decode([Double].self, forKey: .stepLosses)
        epochLosses = try c.decode([Double].self, forKey: .epochLosses)
        epochAccuracies = try c.decode([Double].self, forKey: .epochAccuracies)
        learningRates = try c.decode([Double].self, forKey: .learningRates)
        skippedSteps = try c.decode(Int.self, forKey: .skippedSteps)
        interrupted = try c.decode(Bool.self, forKey: .interrupted)
        validation = try c.decodeIfPresent([ValidationScore].self, forKey: .validation) ?? []
        stoppedEarlyAfterEpoch = try c.decodeIfPresent(Int.self, forKey: .stoppedEarlyAfterEpoch)
    }
}
