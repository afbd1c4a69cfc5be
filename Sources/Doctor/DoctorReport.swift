import Diagnosis
import Monitor
import Foundation

/// The `doctor --json` document (EXPERIMENT-SPEC.md): name, verdict, problems, final, repairs —
/// plus GradGuard's `explanation` (the factor decomposition) and `best_remedy`.
public struct DoctorReport: Codable, Sendable {
    public struct Problem: Codable, Sendable, Equatable {
        public var kind: String
        public var layer: String?
        public var firstStep: Int
        public var evidence: [String: Double]
        public var explanation: String
    }

    public struct Repair: Codable, Sendable, Equatable {
        public var remedy: String
        public var changes: [String: String]
        public var final: FinalMetrics
        /// The original main problem is gone, nothing non-finite or exploding appeared, and the
        /// final loss is finite and lower.
        public var fixed: Bool
        /// What the retrained run was diagnosed with.
        public var verdict: String
    }

    public var name: String
    public var verdict: String
    public var problems: [Problem]
    public var final: FinalMetrics
    public var repairs: [Repair]
    public var explanation: FactorDecomposition?
    public var bestRemedy: String?

    /// The document as JSON (snake_case keys; NaN and ±∞ as strings).
    public func json() throws -> String {
        String(decoding: try JSONEncoder.gradGuard(pretty: true).encode(self), as: UTF8.self)
    }

    /// The document of `run` and the repairs tried on it (none for a `train` run).
    public init(name: String, run: MonitoredRun, repairs: [Repair] = []) {
        self.name = name
        verdict = run.verdict.rawValue
        problems = run.findings.map {
            Problem(kind: $0.kind.rawValue, layer: $0.layer, firstStep: $0.firstStep, evidence: $0.evidence, explanation: $0.explanation)
        }
        final = run.final
        self.repairs = repairs
        explanation = run.decomposition
        bestRemedy = repairs.filter(\.fixed).min { $0.final.loss < $1.final.loss }?.remedy
    }
}
