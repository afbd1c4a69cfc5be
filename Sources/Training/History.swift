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

    public init() {}

    /// A history rebuilt from saved numbers (a run folder's files).
    public init(stepLosses: [Double], epochLosses: [Double] = [], epochAccuracies: [Double] = [],
                learningRates: [Double] = [], skippedSteps: Int = 0) {
        self.stepLosses = stepLosses
        self.epochLosses = epochLosses
        self.epochAccuracies = epochAccuracies
        self.learningRates = learningRates
        self.skippedSteps = skippedSteps
    }
}
