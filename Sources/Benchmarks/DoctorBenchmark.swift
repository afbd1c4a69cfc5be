import Doctor
import Experiments
import Foundation

/// The doctor benchmark: experiment files whose label (a problem kind, or `healthy`) an
/// independent PyTorch run confirmed, run through `Doctor`; it scores recall on the broken runs,
/// false positives on the healthy ones, the repair rate (broken runs that got a confirmed fix)
/// and, for runs that overflow, whether the exploding gradient was caught before the first NaN.
public enum DoctorBenchmark {
    /// One labelled file of `labels.json`.
    public struct Case: Decodable, Sendable {
        public var file: String
        /// The expected verdict (`healthy` for a healthy run).
        public var label: String
        /// `depth` or `time` for vanishing/exploding labels.
        public var axis: String?
        /// Whether a training remedy can repair it (false for NaN in the data).
        public var repairable: Bool?
    }

    /// One case's outcome.
    public struct Outcome: Sendable {
        public var file: String
        public var label: String
        public var verdict: String
        public var axis: String?
        public var fixedBy: String?
        /// Exploding runs that reach NaN: whether the exploding finding came before it.
        public var caughtBeforeNaN: Bool?
        public var seconds: Double

        public var correct: Bool { verdict == label }
    }

    /// The scores over `outcomes` (fractions in [0, 1]; nil where no case applies).
    public struct Summary: Sendable {
        public var recall: Double?
        public var falsePositives: Double?
        public var repairRate: Double?
        public var caughtBeforeNaN: Double?
        public var seconds: Double
    }

    /// Runs every case of `folder/labels.json` (those whose file matches `filter`, when given).
    public static func run(folder: String, budget: Double, filter: String? = nil, progress: (Outcome) -> Void) throws -> (outcomes: [Outcome], cases: [Case]) {
        let labelsPath = URL(fileURLWithPath: folder).appendingPathComponent("labels.json").path
        guard let data = FileManager.default.contents(atPath: labelsPath) else {
            throw ExperimentError(file: labelsPath, key: "", message: "no such file (the benchmark's labels)")
        }
        let cases = try JSONDecoder().decode([Case].self, from: data).filter { filter == nil || $0.file.contains(filter!) }
        var outcomes: [Outcome] = []
        for c in cases {
            let start = Date()
            let experiment = try Experiment.load(path: URL(fileURLWithPath: folder).appendingPathComponent(c.file).path)
            let outcome = try Doctor(budget: budget).examine(experiment)
            let report = outcome.report
            let nan = outcome.original.findings.first { $0.kind == .nonFinite && report.cause?.source == "training" }
            let exploding = outcome.original.findings.first { $0.kind == .explodingGradient }
            let result = Outcome(
                file: c.file, label: c.label, verdict: report.verdict, axis: report.problems.first?.axis, fixedBy: report.bestRemedy,
                caughtBeforeNaN: c.label == "exploding_gradient" && nan != nil ? (exploding.map { $0.firstStep < nan!.firstStep } ?? false) : nil,
                seconds: Date().timeIntervalSince(start))
            outcomes.append(result)
            progress(result)
        }
        return (outcomes, cases)
    }

    /// Recall = broken runs given their label; false positives = healthy runs given a problem;
    /// repair rate = repairable broken runs with a fix (confirmed on a second seed); before-NaN =
    /// exploding runs that reach NaN whose exploding finding came first.
    public static func summarize(_ outcomes: [Outcome], cases: [Case]) -> Summary {
        func share(_ subset: [Outcome], _ predicate: (Outcome) -> Bool) -> Double? {
            subset.isEmpty ? nil : Double(subset.filter(predicate).count) / Double(subset.count)
        }
        let repairable = Dictionary(uniqueKeysWithValues: cases.map { ($0.file, $0.repairable ?? true) })
        let broken = outcomes.filter { $0.label != "healthy" }, healthy = outcomes.filter { $0.label == "healthy" }
        return Summary(
            recall: share(broken) { $0.correct }, falsePositives: share(healthy) { !$0.correct },
            repairRate: share(broken.filter { repairable[$0.file] ?? true }) { $0.fixedBy != nil },
            caughtBeforeNaN: share(outcomes.filter { $0.caughtBeforeNaN != nil }) { $0.caughtBeforeNaN == true },
            seconds: outcomes.map(\.seconds).reduce(0, +))
    }
}
