import Diagnosis
import Monitor
import Foundation
import Optimizers
import Runs

/// The `doctor --json` document (docs/experiment-format.md): name, verdict, problems, final, repairs —
/// plus GradGuard's `explanation` (the factor decomposition) and `best_remedy`.
public struct DoctorReport: Codable, Sendable {
    public struct Problem: Codable, Sendable, Equatable {
        public var kind: String
        public var layer: String?
        /// `depth` or `time` for vanishing and exploding gradients (GradGuard's key).
        public var axis: String?
        public var firstStep: Int
        public var evidence: [String: Double]
        public var explanation: String
    }

    public struct Repair: Codable, Sendable, Equatable {
        public var remedy: String
        public var changes: [String: String]
        public var final: FinalMetrics
        /// The original main problem is gone, nothing non-finite or exploding appeared, and the
        /// user's metric is clearly better than the original's and the trivial predictor's (`FixCriterion`).
        public var fixed: Bool
        /// What the retrained run was diagnosed with.
        public var verdict: String
        /// Whether the fix held on a second seed (nil: not rerun).
        public var confirmed: Bool?
        /// The rerun's final metrics on the second seed.
        public var confirmationFinal: FinalMetrics?

        public init(remedy: String, changes: [String: String], final: FinalMetrics, fixed: Bool, verdict: String) {
            self.remedy = remedy
            self.changes = changes
            self.final = final
            self.fixed = fixed
            self.verdict = verdict
        }
    }

    public var name: String
    public var verdict: String
    public var problems: [Problem]
    public var final: FinalMetrics
    public var repairs: [Repair]
    public var explanation: FactorDecomposition?
    public var bestRemedy: String?
    /// The trivial predictor's test metrics (majority class or training mean), which a fix must beat.
    public var baseline: Baseline?
    /// For a `non_finite` problem: where the NaN/∞ came from (data, loss or training).
    public var cause: NonFiniteCause?
    /// How much the original run's gradient clipping did (GradGuard's key; absent when unknown).
    public var clipping: ClipStatistics?
    /// The original run's validation scores, best epoch and early stop (GradGuard's key; absent
    /// without a validation set).
    public var validation: ValidationSummary?
    /// The original run's test-set confusion matrix with its final weights, `confusion[true][predicted]`
    /// (GradGuard's key; classification with a test set only).
    public var confusion: [[Int]]?
    /// True when Ctrl-C stopped the session: the original run and the search are partial
    /// (absent otherwise).
    public var interrupted: Bool?

    /// The document as JSON (snake_case keys; NaN and ±∞ as strings).
    public func json() throws -> String {
        String(decoding: try JSONEncoder.gradGuard(pretty: true).encode(self), as: UTF8.self)
    }

    /// The document of `run` and the repairs tried on it (none for a `train` run).
    public init(name: String, run: MonitoredRun, repairs: [Repair] = [], baseline: Baseline? = nil, cause: NonFiniteCause? = nil) {
        self.name = name
        verdict = run.verdict.rawValue
        problems = run.findings.map {
            Problem(kind: $0.kind.rawValue, layer: $0.layer, axis: $0.axis?.rawValue, firstStep: $0.firstStep, evidence: $0.evidence, explanation: $0.explanation)
        }
        final = run.final
        clipping = run.clipping
        validation = ValidationSummary(run.history)
        confusion = run.confusion?.counts
        self.repairs = repairs
        explanation = run.decomposition
        // The best fix that held on a second seed (or was not rerun).
        bestRemedy = repairs.filter { $0.fixed && $0.confirmed != false }.max { FixCriterion.better($1.final, than: $0.final) }?.remedy
        self.baseline = baseline
        self.cause = cause
        interrupted = run.interrupted ? true : nil
    }
}
