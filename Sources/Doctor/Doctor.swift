import Diagnosis
import Experiments
import Foundation
import Runs
import TensorCore
import Training

/// GradGuard's main job: train an experiment with the monitor on, diagnose it, and when it is
/// not healthy search for a repair — same data, same step budget — and report which fixed it.
///
/// The search runs in rounds until a fix is found or the time budget is spent:
/// 1. each remedy that fits the main problem (most specific first), at the original learning rate;
/// 2. each remedy, and the original, at its own learning rate from a short range test
///    (`LearningRateRangeTest`): a new activation or init moves the best rate;
/// 3. pairs of remedies, each at its own rate; when training them all in full would overrun the
///    budget, successive halving (a third of the steps for all, the full budget for the best
///    third) picks which are trained in full.
/// Each fix is confirmed on a second seed (new initialisation, split and batch order) against
/// the original rerun on that seed; the search goes on until a fix holds there.
public struct Doctor: Sendable {
    /// What the doctor is doing, for progress display.
    public enum Event {
        /// A run starts: `label` is `"original"` or the remedy's name.
        case runStarted(label: String, totalSteps: Int)
        case progress(TrainingProgress)
        case runFinished(label: String, result: MonitoredRun)
    }

    /// Record every `monitorEvery`-th step (default 1).
    public var monitorEvery: Int
    public var diagnoser: Diagnoser
    /// When a remedy counts as a fix.
    public var criterion = FixCriterion()
    /// Seconds after which no new repair round or attempt starts (default 30; the first round always runs).
    public var budget: Double
    /// The range test that picks each candidate's learning rate.
    public var rangeTest = LearningRateRangeTest()
    /// Weights the original run starts from (a `state_dict` read from `source`, e.g. `doctor
    /// --weights`); remedies start from their own initialisation, since they may change the
    /// model. Default: none.
    public var initialWeights: (source: String, tensors: [String: Tensor<Double>])?

    /// Asked after every training step; true ends the session: the current run stops, no
    /// further candidate is tried, and the report covers what was done (`interrupted`).
    public var stopRequested: (@Sendable () -> Bool)?
    /// Processes to train the single remedies on at once (`mpirun`); nil: this process alone.
    /// Rank 0 calls `examine`, the others `serveAsWorker`.
    public var sharing: (any CandidateSharing)?

    public init(monitorEvery: Int = 1, diagnoser: Diagnoser = Diagnoser(), budget: Double = 30) {
        self.monitorEvery = monitorEvery
        self.diagnoser = diagnoser
        self.budget = budget
    }

    /// Diagnoses and, if needed, repairs `experiment`.
    public func examine(_ experiment: Experiment, events: ((Event) -> Void)? = nil) throws(ExperimentError) -> (report: DoctorReport, original: MonitoredRun, repairs: [MonitoredRun]) {
        let start = Date()
        let setup: ExperimentSetup<Float>
        do { setup = try ExperimentSetup<Float>(experiment) } catch {
            // NaN/∞ in the data is a diagnosis, not a failure: say where it is and what to fix.
            guard let values = error.nonFiniteData else { throw error }
            return untrainable(experiment, .data(values), count: values.count)
        }
        if let (source, tensors) = initialWeights {
            // NaN/∞ in the weights is a diagnosis too: which tensor, and no training remedy can help.
            if let (name, count) = tensors.sorted(by: { $0.key < $1.key }).lazy
                .map({ ($0.key, $0.value.scalars.filter { !$0.isFinite }.count) }).first(where: { $0.1 > 0 }) {
                releaseWorkers()
                return untrainable(experiment, .weights(tensor: name, count: count, file: source), count: count)
            }
            do { try setup.model.loadStateDict(tensors) } catch {
                releaseWorkers()
                throw ExperimentError(file: source, key: "", message: "the weights do not fit the model: \(error)")
            }
        }
        let originalStart = Date()
        let original = run("original", setup, events)
        let originalSeconds = Date().timeIntervalSince(originalStart)
        let baseline = Baseline(data: setup.data, loss: setup.loss)
        var search = RepairSearch(experiment: experiment, original: original, baseline: baseline, criterion: criterion)
        let stopped = { stopRequested?() ?? false }
        let within = { !stopped() && Date().timeIntervalSince(start) < budget }
        let attempt = { (remedies: [String], changed: Experiment, changes: [String: String]) in
            guard !stopped(), !search.tried(changed), let candidate = try? ExperimentSetup(changed, data: setup.reusableData(for: changed)) else { return }
            let result = run(remedies.joined(separator: "+"), candidate, events)
            guard !result.interrupted else { return }  // a cut-short run is no evidence either way
            search.record(remedies: remedies, experiment: changed, changes: changes, result: result)
        }
        let rerun = { (changed: Experiment) -> (MonitoredRun, Baseline?)? in
            guard !stopped(), let other = try? ExperimentSetup<Float>(changed.withSeed(changed.seed &+ 1)) else { return nil }
            let result = run("confirm on seed \(changed.seed &+ 1)", other, events)
            return result.interrupted ? nil : (result, Baseline(data: other.data, loss: other.loss))
        }
        let singles = original.interrupted ? [] : Remedy.candidates(for: original.findings.first, driver: original.decomposition?.driver)
            .compactMap { r in r.apply(to: experiment).map { (r, $0) } }
        if let sharing, sharing.size > 1 {
            // Every rank trains its share of the single remedies; rank 0 records them in order.
            let names = singles.map(\.0.rawValue)
            do {
                _ = try sharing.broadcast(try JSONEncoder().encode(names))
                for (plan, result) in try shareSingles(names, experiment, setup, sharing, events) where !result.interrupted {
                    search.record(remedies: [plan.remedy.rawValue], experiment: plan.experiment, changes: plan.changes, result: result)
                }
                // The confirmation reruns, as many at once as there are ranks: the one-process
                // order decides which count, so a rerun it would not reach is made but unused.
                let plans = Self.plans(names, experiment)
                func key(_ e: Experiment) -> Int? { e == experiment ? -1 : plans.firstIndex { $0.experiment == e } }
                let pending = search.pendingReruns.compactMap(key)
                var cache: [Int: (MonitoredRun, Baseline?)] = [:], next = 0, failure: (any Error)?
                func round() {
                    let keys = Array(pending[next...].prefix(sharing.size))
                    next += keys.count
                    do {
                        for (k, value) in try shareReruns(keys, plans, experiment, sharing, events) { cache[k] = value }
                    } catch { failure = error }
                }
                search.confirmNew { changed in
                    guard let k = key(changed) else { return nil }
                    while cache[k] == nil && next < pending.count && failure == nil { round() }
                    return cache[k]
                }
                _ = try shareReruns([], plans, experiment, sharing, events)  // the workers stop
                if let failure { throw failure }
            } catch { throw ExperimentError(file: experiment.file, key: "", message: "parallel doctor: \(error)") }
        } else {
            for (remedy, (changed, changes)) in singles { attempt([remedy.rawValue], changed, changes) }
            search.confirmNew(rerun)
        }
        if !singles.isEmpty && !search.anyConfirmed {
            // The original and each remedy at its own learning rate.
            let tunable = [Candidate(names: [], experiment: experiment, changes: [:])]
                + singles.map { Candidate(names: [$0.0.rawValue], experiment: $0.1.experiment, changes: $0.1.changes) }
            for c in tunable where within() && !search.anyConfirmed {
                guard let tuned = tunedRate(c.experiment, setup) else { continue }
                attempt(c.names + ["tuned_lr"], tuned.experiment, c.changes.merging(tuned.changes) { $1 })
                search.confirmNew(rerun)
            }
        }
        if !singles.isEmpty && !search.anyConfirmed {
            // Pairs, each at its own rate (or the current one when the range test finds none far from it).
            var pairs: [Candidate] = []
            let best = search.bestSingles(singles.count)
            for (i, first) in best.enumerated() {
                for second in best[(i + 1)...] where within() {
                    guard let (pair, changes) = second.remedy.apply(to: first.experiment), !search.tried(pair) else { continue }
                    let tuned = tunedRate(pair, setup)
                    pairs.append(Candidate(
                        names: [first.remedy.rawValue, second.remedy.rawValue] + (tuned == nil ? [] : ["tuned_lr"]),
                        experiment: tuned?.experiment ?? pair,
                        changes: first.changes.merging(changes) { $1 }.merging(tuned?.changes ?? [:]) { $1 }))
                }
            }
            // Successive halving only when training every pair in full would overrun the budget:
            // a third of the steps cannot see a run that learns late (temporal order is one).
            let remaining = budget - Date().timeIntervalSince(start)
            let chosen = Double(pairs.count) * originalSeconds > remaining ? halving(pairs, setup, events, within) : pairs
            for survivor in chosen where within() && !search.anyConfirmed {
                attempt(survivor.names, survivor.experiment, survivor.changes)
                search.confirmNew(rerun)
            }
        }
        let report = DoctorReport(name: experiment.name, run: original, repairs: search.repairs, baseline: baseline,
                                  cause: NonFiniteCause.of(original.findings))
        return (report, original, search.results)
    }

    /// Ranks above 0 of a parallel doctor: wait for rank 0's single remedies, train this rank's
    /// share of them, and send the results to rank 0.
    public func serveAsWorker(_ experiment: Experiment) throws(ExperimentError) {
        guard let sharing else { return }
        // The same file fails the same way on rank 0, which reports it.
        guard let setup = try? ExperimentSetup<Float>(experiment) else { return }
        do {
            let names = try JSONDecoder().decode([String].self, from: try sharing.broadcast(Data()))
            _ = try shareSingles(names, experiment, setup, sharing, nil)
            let plans = Self.plans(names, experiment)
            while true {
                let keys = try JSONDecoder().decode([Int].self, from: try sharing.broadcast(Data()))
                if keys.isEmpty { break }
                _ = try shareReruns(keys, plans, experiment, sharing, nil)
            }
        } catch { throw ExperimentError(file: experiment.file, key: "", message: "parallel doctor: \(error)") }
    }

    /// Rank 0 ending before the single remedies: the workers get an empty list and stop.
    private func releaseWorkers() {
        guard let sharing, sharing.size > 1 else { return }
        _ = try? sharing.broadcast(JSONEncoder().encode([String]()))
        _ = try? sharing.allGather(RunTransfer.encoder().encode([Int: RunTransfer]()))
        _ = try? sharing.broadcast(JSONEncoder().encode([Int]()))
    }

    /// One single remedy to train: the remedy, the experiment it makes and what it changed.
    struct SinglePlan {
        let remedy: Remedy
        let experiment: Experiment
        let changes: [String: String]
    }

    /// The single remedies `names` applied to `experiment`, without one that changes nothing or
    /// repeats an earlier one (as the one-process search skips them); the same on every rank.
    static func plans(_ names: [String], _ experiment: Experiment) -> [SinglePlan] {
        var plans: [SinglePlan] = []
        for name in names {
            guard let remedy = Remedy(rawValue: name), let (changed, changes) = remedy.apply(to: experiment),
                  changed != experiment, !plans.contains(where: { $0.experiment == changed }) else { continue }
            plans.append(SinglePlan(remedy: remedy, experiment: changed, changes: changes))
        }
        return plans
    }

    /// Trains plan i on rank i mod size, then gathers every result on every rank: the plans
    /// with their runs, in plan order (a plan whose setup fails has none).
    private func shareSingles(
        _ names: [String], _ experiment: Experiment, _ setup: ExperimentSetup<Float>, _ sharing: any CandidateSharing,
        _ events: ((Event) -> Void)?
    ) throws -> [(SinglePlan, MonitoredRun)] {
        let plans = Self.plans(names, experiment)
        sharing.sharedWorkBegins()
        defer { sharing.sharedWorkEnds() }
        var mine: [Int: RunTransfer] = [:]
        for (i, plan) in plans.enumerated() where i % sharing.size == sharing.rank {
            guard let candidate = try? ExperimentSetup(plan.experiment, data: setup.reusableData(for: plan.experiment)) else { continue }
            mine[i] = RunTransfer(run(plan.remedy.rawValue, candidate, events))
        }
        var all: [Int: MonitoredRun] = [:]
        for part in try sharing.allGather(try RunTransfer.encoder().encode(mine)) {
            for (i, transfer) in try RunTransfer.decoder().decode([Int: RunTransfer].self, from: part) { all[i] = transfer.run }
        }
        return plans.indices.compactMap { i in all[i].map { (plans[i], $0) } }
    }

    /// One confirmation rerun as it travels between ranks.
    struct Rerun: Codable {
        let run: RunTransfer
        let baseline: Baseline?
    }

    /// Rank 0 names the reruns of a round (plan indices, −1 for the original; none ends the
    /// rounds); rank j mod size makes the j-th on the second seed; every rank gets them all.
    private func shareReruns(
        _ keys: [Int], _ plans: [SinglePlan], _ experiment: Experiment, _ sharing: any CandidateSharing, _ events: ((Event) -> Void)?
    ) throws -> [Int: (MonitoredRun, Baseline?)] {
        if sharing.rank == 0 { _ = try sharing.broadcast(try JSONEncoder().encode(keys)) }
        guard !keys.isEmpty else { return [:] }
        sharing.sharedWorkBegins()
        defer { sharing.sharedWorkEnds() }
        var mine: [Int: Rerun] = [:]
        for (j, k) in keys.enumerated() where j % sharing.size == sharing.rank {
            let base = k < 0 ? experiment : plans[k].experiment
            let changed = base.withSeed(base.seed &+ 1)
            guard let other = try? ExperimentSetup<Float>(changed) else { continue }
            let result = run("confirm on seed \(changed.seed)", other, events)
            if !result.interrupted { mine[k] = Rerun(run: RunTransfer(result), baseline: Baseline(data: other.data, loss: other.loss)) }
        }
        var all: [Int: (MonitoredRun, Baseline?)] = [:]
        for part in try sharing.allGather(try RunTransfer.encoder().encode(mine)) {
            for (k, rerun) in try RunTransfer.decoder().decode([Int: Rerun].self, from: part) { all[k] = (rerun.run.run, rerun.baseline) }
        }
        return all
    }

    /// The report of an experiment that cannot be trained: its data or weights hold `count` NaN/∞
    /// values; no training remedy can help, so none is tried.
    private func untrainable(_ experiment: Experiment, _ cause: NonFiniteCause, count: Int)
        -> (report: DoctorReport, original: MonitoredRun, repairs: [MonitoredRun]) {
        let run = MonitoredRun.untrained(findings: [Finding(
            kind: .nonFinite, layer: nil, firstStep: 0, evidence: ["non_finite_values": Double(count)], explanation: cause.advice)])
        return (DoctorReport(name: experiment.name, run: run, cause: cause), run, [])
    }

    /// A remedy (or combination) to try: its names, the changed experiment, and what changed.
    struct Candidate {
        var names: [String]
        var experiment: Experiment
        var changes: [String: String]
    }

    /// Successive halving (Jamieson & Talwalkar 2016), one rung: with more than two candidates,
    /// each trains for a third of the step budget and the best third by the user's metric go on
    /// (best first); two or fewer all go on.
    private func halving(_ candidates: [Candidate], _ setup: ExperimentSetup<Float>, _ events: ((Event) -> Void)?,
                         _ within: () -> Bool) -> [Candidate] {
        guard candidates.count > 2 else { return candidates }
        let short = Swift.max(setup.totalSteps / 3, 1)
        var scored: [(candidate: Candidate, final: FinalMetrics)] = []
        for candidate in candidates where within() {
            var e = candidate.experiment
            e.length = .steps(short)
            guard let s = try? ExperimentSetup<Float>(e, data: setup.reusableData(for: e)) else { continue }
            let result = run(candidate.names.joined(separator: "+") + " (a third of the steps)", s, events)
            if !result.interrupted { scored.append((candidate, result.final)) }
        }
        return scored.sorted { FixCriterion.better($0.final, than: $1.final) }.prefix((candidates.count + 2) / 3).map(\.candidate)
    }

    /// `experiment` at the learning rate the range test suggests, or nil when it suggests none
    /// or one within ×2 of the current rate.
    private func tunedRate(_ experiment: Experiment, _ setup: ExperimentSetup<Float>) -> (experiment: Experiment, changes: [String: String])? {
        guard let result = try? rangeTest.run(experiment, data: setup.reusableData(for: experiment)), let rate = result.suggestion else { return nil }
        let current = experiment.optimizer.effectiveLearningRate
        guard rate > 2 * current || rate < current / 2 else { return nil }
        var e = experiment
        e.optimizer.learningRate = rate
        return (e, ["optimizer.lr": Remedy.learningRateText(rate)])
    }

    private func run(_ label: String, _ setup: ExperimentSetup<Float>, _ events: ((Event) -> Void)?) -> MonitoredRun {
        events?(.runStarted(label: label, totalSteps: setup.totalSteps))
        let result = ExperimentRunner.run(setup, monitorEvery: monitorEvery, diagnoser: diagnoser, stopRequested: stopRequested,
                                          progress: events.map { handler in { handler(.progress($0)) } })
        events?(.runFinished(label: label, result: result))
        return result
    }
}

extension ExperimentSetup {
    /// The loaded data, reusable by `changed` unless a remedy changed how the data is prepared
    /// (then nil: `changed` loads its own).
    func reusableData(for changed: Experiment) -> ExperimentData<Scalar>? { changed.data == experiment.data ? data : nil }
}

extension Experiment {
    /// The same experiment with another seed (initialisation, data split and batch order).
    func withSeed(_ seed: UInt64) -> Experiment {
        var e = self
        e.seed = seed
        return e
    }
}
