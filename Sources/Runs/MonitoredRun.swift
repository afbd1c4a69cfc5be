import Diagnosis
import Monitor
import Optimizers
import TensorCore
import Training

/// What one monitored training run produced.
public struct MonitoredRun: Sendable {
    public let history: History
    public let records: [StepRecord]
    public let final: FinalMetrics
    /// Main problem first; empty when healthy.
    public let findings: [Finding]
    /// The factor decomposition at the first record (what the initialisation set up).
    public let decomposition: FactorDecomposition?
    /// Why training stopped early (the `error` policy met a non-finite gradient), or nil.
    public let stoppedEarly: String?
    /// The records as JSON Lines.
    public let metricsJSONLines: String
    /// The trained model's `state_dict`.
    public let weights: [String: Tensor<Float>]
    /// How much the run's gradient clipping did (of this session's steps: a resumed run counts
    /// from the resume); nil when not known.
    public let clipping: ClipStatistics?
    /// The weights of the epoch with the lowest validation loss (nil without a validation set,
    /// or when a resumed run did not beat the best epoch recorded before it).
    public let best: BestWeights<Float>?
    /// True against predicted class on the test set with the final weights (classification with
    /// a test set), or nil.
    public let confusion: ConfusionMatrix?

    public var verdict: ProblemKind { Diagnoser.verdict(findings) }

    /// True when a stop request (Ctrl-C) ended the run before its last step.
    public var interrupted: Bool { history.interrupted }

    public init(history: History, records: [StepRecord], final: FinalMetrics, findings: [Finding], decomposition: FactorDecomposition?,
                stoppedEarly: String?, metricsJSONLines: String, weights: [String: Tensor<Float>], clipping: ClipStatistics? = nil,
                best: BestWeights<Float>? = nil, confusion: ConfusionMatrix? = nil) {
        self.history = history
        self.records = records
        self.final = final
        self.findings = findings
        self.decomposition = decomposition
        self.stoppedEarly = stoppedEarly
        self.metricsJSONLines = metricsJSONLines
        self.weights = weights
        self.clipping = clipping
        self.best = best
        self.confusion = confusion
    }

    /// A run that never trained (its data could not be used), with what was found instead.
    public static func untrained(findings: [Finding]) -> MonitoredRun {
        MonitoredRun(history: History(), records: [], final: FinalMetrics(loss: .nan, accuracy: nil, steps: 0), findings: findings,
                     decomposition: nil, stoppedEarly: nil, metricsJSONLines: "", weights: [:])
    }
}
