import ArgumentParser
import Foundation
import GradGuard

/// Reading an experiment for `train` and `doctor`: a file, or the built-in default; errors
/// come back as one clear line and exit status 1, never a trap.
enum ExperimentInput {
    static func load(_ path: String?, overrides: [ExperimentOverride] = []) throws -> (experiment: Experiment, text: Data) {
        if path == nil && overrides.isEmpty { return (DefaultExperiment.experiment(), Data(DefaultExperiment.json.utf8)) }
        do {
            return try Experiment.read(path: path, builtIn: (DefaultExperiment.json, DefaultExperiment.experiment().name), overrides: overrides)
        } catch { throw CLIError(error.description) }
    }

    /// "digits, 10 epochs × 45 steps" for a header line.
    static func describe(_ e: Experiment, steps: Int) -> String {
        let length = switch e.length {
        case .epochs(let n): "\(n) epochs"
        case .steps(let n): "\(n) steps"
        }
        let validation = e.validation.map { plan in
            let stopping = plan.patience.map { ", early stopping after \($0) without improvement" } ?? ""
            return ", validation \(show(e.data.validationFraction ?? 0)) of the training samples every \(plan.every == 1 ? "epoch" : "\(plan.every) epochs")\(stopping)"
        } ?? ""
        return "data \(e.data.name), \(e.layers.reduce(0) { $0 + $1.linearCount }) linear layers, \(length) (\(steps) steps), batch \(e.batchSize)\(validation)"
    }

    /// One line on the validation set: the best epoch, and where early stopping ended the run.
    static func describe(_ v: ValidationSummary) -> String {
        let best = v.bestEpoch.flatMap { epoch in v.scores.first { $0.epoch == epoch } }
        let bestText = best.map { "best epoch \($0.epoch) (val loss \(show($0.loss)), accuracy \(percent($0.accuracy))), saved as \(RunFolder.bestWeightsFile)" }
            ?? "no finite validation loss"
        let stop = v.stoppedEarlyAfterEpoch.map { "early stopping ended training after epoch \($0); " } ?? ""
        return "validation: \(stop)\(bestText)"
    }
}

/// An error to show the user as one line (exit status 1).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Formats a number for the terminal: fixed for everyday sizes, scientific otherwise.
func show(_ x: Double?) -> String {
    guard let x else { return "–" }
    guard x.isFinite else { return x.isNaN ? "NaN" : "∞" }
    return x != 0 && (abs(x) < 1e-3 || abs(x) >= 1e4) ? String(format: "%.2e", x) : String(format: "%.4g", x)
}

func percent(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
