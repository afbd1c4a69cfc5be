import Foundation
import Diagnosis
import Experiments
import Layers
import Monitor
import TensorCore
import Training

/// Trains an experiment with the gradient monitor on, then diagnoses the records.
public enum ExperimentRunner {
    /// The steps that get histograms: the first, the last, and `count` − 2 evenly spaced between.
    public static func histogramSteps(totalSteps: Int, count: Int = 20) -> Set<Int> {
        guard totalSteps > 1, count >= 2 else { return totalSteps > 0 ? [0] : [] }
        return Set((0..<count).map { Int((Double($0) * Double(totalSteps - 1) / Double(count - 1)).rounded()) })
    }

    /// Runs `setup` to its end (a training error ends it early; what was recorded is kept).
    /// Histograms of weights, gradients and outputs are taken at `histogramSteps(totalSteps:)`.
    /// With `persistence`, records and checkpoints go to its journal as training goes (at every
    /// epoch's end, every `checkpointInterval` seconds and when `stopRequested` ends the run),
    /// and a resumed run continues from its position.
    public static func run(
        _ setup: ExperimentSetup<Float>, monitorEvery: Int = 1, diagnoser: Diagnoser = Diagnoser(),
        persistence: RunPersistence? = nil, stopRequested: (() -> Bool)? = nil,
        progress: ((TrainingProgress) -> Void)? = nil, epochEnd: ((EpochSummary) -> Void)? = nil
    ) -> MonitoredRun {
        var setup = setup
        let scales = FactorDecomposition.weightScales(of: setup.model)
        let recurrentScales = RecurrentFactors.scales(of: setup.model)
        let monitor = GradientMonitor(model: setup.model, every: monitorEvery)
        monitor.histogramSteps = histogramSteps(totalSteps: setup.totalSteps)
        let trainer = setup.trainer
        if let resumed = persistence?.resume { monitor.restore(records: resumed.records) }
        monitor.attach(to: trainer)
        var epochToken: CallbackToken?, journalTokens: [CallbackToken] = []
        trainer.stopRequested = stopRequested
        defer {
            // Leave the trainer as it came, so a setup can be run again.
            monitor.detach()
            if let epochToken { trainer.removeCallback(epochToken) }
            journalTokens.forEach(trainer.removeCallback)
            trainer.stopRequested = nil
        }
        var written = persistence?.resume?.records.count ?? 0, lastCheckpoint = Date()
        let totalSteps = setup.totalSteps  // `setup` is in use (inout) while training runs
        func checkpoint() {
            guard let persistence else { return }
            let records = monitor.records
            persistence.journal.save(records: records[written...], checkpoint: TrainingCheckpoint(trainer: trainer, recordCount: records.count),
                                     totalSteps: totalSteps)
            written = records.count
            lastCheckpoint = Date()
        }
        if let persistence {
            journalTokens.append(trainer.onStep { _ in
                if Date().timeIntervalSince(lastCheckpoint) >= persistence.checkpointInterval { checkpoint() }
            })
            journalTokens.append(trainer.onEpochEnd { _, _ in checkpoint() })
        }
        if let epochEnd {
            epochToken = trainer.onEpochEnd { [epochs = setup.epochs] epoch, history in
                epochEnd(EpochSummary(epoch: epoch + 1, epochs: epochs, loss: history.epochLosses[epoch],
                                      accuracy: epoch < history.epochAccuracies.count ? history.epochAccuracies[epoch] : nil,
                                      gradientRatio: monitor.records.last?.firstToLastGradientRatio,
                                      validation: history.validation.last { $0.epoch == epoch + 1 }))
            }
        }
        var history = History(), stopped: String?
        do {
            history = try trainer.train(
                on: setup.data.train, epochs: setup.epochs, batchSize: setup.experiment.batchSize, using: &setup.shuffling,
                maxSteps: setup.maxSteps, validation: setup.validation, from: persistence?.resume?.position, progress: progress)
            if history.interrupted { checkpoint() }
        } catch {
            history = error.history
            stopped = error.description
        }
        let records = monitor.records
        let final: FinalMetrics
        var confusion: ConfusionMatrix?
        if let test = setup.data.test {
            let evaluation = trainer.evaluate(on: test)
            final = FinalMetrics(loss: evaluation.loss, accuracy: evaluation.accuracy, steps: history.stepLosses.count)
            confusion = evaluation.confusion
        } else {
            final = FinalMetrics(loss: history.epochLosses.last ?? .nan, accuracy: history.epochAccuracies.last, steps: history.stepLosses.count)
        }
        let decomposition = records.first.map { FactorDecomposition(record: $0, weightScales: scales, recurrentScales: recurrentScales) }
        var findings = diagnoser.diagnose(records)
        if !final.loss.isFinite, !findings.contains(where: { $0.kind == .nonFinite }), !records.isEmpty {
            // Every training step was finite, the evaluation was not: the loss itself overflowed.
            findings.insert(Finding(
                kind: .nonFinite, layer: nil, firstStep: records.last!.step, evidence: ["test_loss": final.loss],
                explanation: "The test loss is \(final.loss) although every training step's loss and gradients were finite: the "
                    + "model's outputs on the test set overflow the loss."), at: 0)
        }
        return MonitoredRun(
            history: history, records: records, final: final, findings: findings, decomposition: decomposition,
            stoppedEarly: stopped, metricsJSONLines: (try? monitor.jsonLines()) ?? "", weights: setup.model.stateDict(),
            clipping: trainer.clipper.statistics, best: trainer.bestWeights, confusion: confusion)
    }
}
