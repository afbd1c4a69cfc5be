import Diagnosis
import Experiments
import Foundation
import Training

/// GradGuard's main job: train an experiment with the monitor on, diagnose it, and when it is
/// not healthy retrain it with each remedy that fits its main problem — same seed, same data,
/// same budget — and report which remedies fixed it.
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

    public init(monitorEvery: Int = 1, diagnoser: Diagnoser = Diagnoser()) {
        self.monitorEvery = monitorEvery
        self.diagnoser = diagnoser
    }

    /// Diagnoses and, if needed, repairs `experiment`.
    public func examine(_ experiment: Experiment, events: ((Event) -> Void)? = nil) throws(ExperimentError) -> (report: DoctorReport, original: MonitoredRun, repairs: [MonitoredRun]) {
        let setup = try ExperimentSetup<Float>(experiment)
        let original = run("original", setup, events)
        var repairs: [DoctorReport.Repair] = [], results: [MonitoredRun] = []
        let kind = original.verdict
        for remedy in Remedy.candidates(for: kind) {
            guard let (changed, changes) = remedy.apply(to: experiment) else { continue }
            let candidate: ExperimentSetup<Float>
            do { candidate = try ExperimentSetup(changed, data: setup.data) } catch { continue }
            let result = run(remedy.rawValue, candidate, events)
            results.append(result)
            let stillThere = result.findings.contains { [kind, .nonFinite, .explodingGradient].contains($0.kind) }
            let better = !original.final.loss.isFinite || (result.final.loss.isFinite && result.final.loss < original.final.loss)
            repairs.append(.init(remedy: remedy.rawValue, changes: changes, final: result.final, fixed: !stillThere && better,
                                 verdict: result.verdict.rawValue))
        }
        return (DoctorReport(name: experiment.name, run: original, repairs: repairs), original, results)
    }

    private func run(_ label: String, _ setup: ExperimentSetup<Float>, _ events: ((Event) -> Void)?) -> MonitoredRun {
        events?(.runStarted(label: label, totalSteps: setup.totalSteps))
        let result = ExperimentRunner.run(setup, monitorEvery: monitorEvery, diagnoser: diagnoser,
                                          progress: events.map { handler in { handler(.progress($0)) } })
        events?(.runFinished(label: label, result: result))
        return result
    }
}
