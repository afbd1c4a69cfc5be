import Diagnosis
import Experiments
import Runs

/// The bookkeeping of the doctor's repair search: every attempt, whether it fixed the run, the
/// best single remedies so far, and the second-seed confirmation of the best fix.
struct RepairSearch {
    let experiment: Experiment
    let original: MonitoredRun
    let baseline: Baseline?
    let criterion: FixCriterion
    /// One entry per attempt, in order, and the runs behind them.
    private(set) var repairs: [DoctorReport.Repair] = []
    private(set) var results: [MonitoredRun] = []
    /// The experiment each attempt trained, in the same order.
    private var experiments: [Experiment] = []

    init(experiment: Experiment, original: MonitoredRun, baseline: Baseline?, criterion: FixCriterion) {
        self.experiment = experiment
        self.original = original
        self.baseline = baseline
        self.criterion = criterion
    }

    /// Whether some attempt fixed the run and held on the second seed: the search can stop.
    var anyConfirmed: Bool { repairs.contains { $0.fixed && $0.confirmed == true } }

    /// Whether `changed` was already trained (two routes to the same experiment).
    func tried(_ changed: Experiment) -> Bool { changed == experiment || experiments.contains(changed) }

    /// Whether `result` fixes the original run: its main problem, NaN/∞ and exploding gradients
    /// are gone and the metric is clearly better (`FixCriterion`) than `reference`'s (default:
    /// the original run's; on a second seed, the original's rerun on that seed).
    func fixes(_ result: MonitoredRun, reference: FinalMetrics? = nil, baseline: Baseline?) -> Bool {
        let kind = original.verdict
        let stillThere = result.findings.contains { [kind, .nonFinite, .explodingGradient].contains($0.kind) }
        return !stillThere && criterion.metricImproved(result.final, over: reference ?? original.final, baseline: baseline)
    }

    mutating func record(remedies: [String], experiment changed: Experiment, changes: [String: String], result: MonitoredRun) {
        repairs.append(.init(remedy: remedies.joined(separator: "+"), changes: changes, final: result.final,
                             fixed: fixes(result, baseline: baseline), verdict: result.verdict.rawValue))
        results.append(result)
        experiments.append(changed)
    }

    /// The `count` best single-remedy attempts (at either rate) by the user's metric, one per remedy.
    func bestSingles(_ count: Int) -> [(name: String, remedy: Remedy, experiment: Experiment, changes: [String: String])] {
        var seen: Set<String> = [], best: [(name: String, remedy: Remedy, experiment: Experiment, changes: [String: String])] = []
        let order = repairs.indices.sorted { FixCriterion.better(repairs[$0].final, than: repairs[$1].final) }
        for i in order {
            let name = String(repairs[i].remedy.prefix { $0 != "+" })
            guard let remedy = Remedy(rawValue: name), !seen.contains(name),
                  repairs[i].final.loss.isFinite else { continue }
            seen.insert(name)
            best.append((repairs[i].remedy, remedy, experiments[i], repairs[i].changes))
            if best.count == count { break }
        }
        return best
    }

    /// The fixes not yet rerun on the second seed, best first (the order `confirmNew` reruns them).
    var confirmationOrder: [Int] {
        repairs.indices.filter { repairs[$0].fixed && repairs[$0].confirmed == nil }
            .sorted { FixCriterion.better(repairs[$0].final, than: repairs[$1].final) }
    }

    /// The experiments `confirmNew` would rerun, in order: the original (when not yet rerun)
    /// and then each fix in `confirmationOrder` (none when there is nothing to confirm).
    var pendingReruns: [Experiment] {
        let order = confirmationOrder
        guard !order.isEmpty else { return [] }
        return (originalAgain == nil ? [experiment] : []) + order.map { experiments[$0] }
    }

    /// The original rerun on the second seed (made once, when the first fix needs confirming).
    private var originalAgain: MonitoredRun?

    /// Reruns the fixes not yet rerun, best first, on a second seed until one holds there against
    /// the original rerun on the same seed (`rerun` gives a run and its baseline, or nil when the
    /// experiment cannot be set up); each rerun fix gets `confirmed`.
    mutating func confirmNew(_ rerun: (Experiment) -> (MonitoredRun, Baseline?)?) {
        let order = confirmationOrder
        guard !order.isEmpty else { return }
        if originalAgain == nil { originalAgain = rerun(experiment)?.0 }
        guard let reference = originalAgain else { return }
        for i in order {
            guard let (result, otherBaseline) = rerun(experiments[i]) else { continue }
            repairs[i].confirmed = fixes(result, reference: reference.final, baseline: otherBaseline)
            repairs[i].confirmationFinal = result.final
            if repairs[i].confirmed == true { return }
        }
    }
}
