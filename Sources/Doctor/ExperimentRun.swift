import Diagnosis
import Experiments
import Layers
import Monitor
import TensorCore
import Training

/// `final` of the doctor document: test-set loss (or the last epoch's mean training loss when
/// there is no test set), test accuracy for classification, and the steps taken.
public struct FinalMetrics: Codable, Sendable, Equatable {
    public var loss: Double
    public var accuracy: Double?
    public var steps: Int
}

/// One epoch's summary line: mean training loss and accuracy, and the first/last gradient ratio
/// of the epoch's last record (the worst layer's share of the gradient).
public struct EpochSummary: Sendable, Equatable {
    public var epoch: Int
    public var epochs: Int
    public var loss: Double
    public var accuracy: Double?
    public var gradientRatio: Double?
}

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

    public var verdict: ProblemKind { Diagnoser.verdict(findings) }
}

/// Trains an experiment with the gradient monitor on, then diagnoses the records.
public enum ExperimentRunner {
    /// Runs `setup` to its end (a training error ends it early; what was recorded is kept).
    public static func run(
        _ setup: ExperimentSetup<Float>, monitorEvery: Int = 1, diagnoser: Diagnoser = Diagnoser(),
        progress: ((TrainingProgress) -> Void)? = nil, epochEnd: ((EpochSummary) -> Void)? = nil
    ) -> MonitoredRun {
        var setup = setup
        let scales = FactorDecomposition.weightScales(of: setup.model)
        let monitor = GradientMonitor(model: setup.model, every: monitorEvery)
        monitor.attach(to: setup.trainer)
        defer { monitor.detach() }
        var history = History(), stopped: String?
        var reported = 0
        func summarize(_ history: History) {
            guard let epochEnd else { return }
            while reported < history.epochLosses.count {
                let ratio = monitor.records.last { $0.epoch == reported }?.firstToLastGradientRatio
                epochEnd(EpochSummary(epoch: reported + 1, epochs: setup.epochs, loss: history.epochLosses[reported],
                                      accuracy: reported < history.epochAccuracies.count ? history.epochAccuracies[reported] : nil,
                                      gradientRatio: ratio))
                reported += 1
            }
        }
        do {
            history = try setup.trainer.train(
                on: setup.data.train, epochs: setup.epochs, batchSize: setup.experiment.batchSize, using: &setup.shuffling,
                maxSteps: setup.maxSteps, progress: progress)
        } catch {
            history = error.history
            stopped = error.description
        }
        summarize(history)
        let records = monitor.records
        let final: FinalMetrics
        if let test = setup.data.test {
            let evaluation = setup.trainer.evaluate(on: test)
            final = FinalMetrics(loss: evaluation.loss, accuracy: evaluation.accuracy, steps: history.stepLosses.count)
        } else {
            final = FinalMetrics(loss: history.epochLosses.last ?? .nan, accuracy: history.epochAccuracies.last, steps: history.stepLosses.count)
        }
        let decomposition = records.first.map { FactorDecomposition(record: $0, weightScales: scales) }
        return MonitoredRun(
            history: history, records: records, final: final, findings: diagnoser.diagnose(records), decomposition: decomposition,
            stoppedEarly: stopped, metricsJSONLines: (try? monitor.jsonLines()) ?? "", weights: setup.model.stateDict())
    }
}
