import ArgumentParser
import Foundation
import GradGuard

/// `gradguard train FILE`: train an experiment with the gradient monitor on.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an experiment file with the gradient monitor on.",
        discussion: """
            Shows a progress bar and one line per epoch (training loss, accuracy, and the share \
            of the gradient that reaches the first weighted layer), then the test-set result and \
            the diagnosis. Writes runs/NAME-TIMESTAMP/ with the experiment file, metrics.jsonl \
            and metrics.csv, report.html, doctor.json (the diagnosis), the final weights.safetensors (PyTorch state_dict names; --weights loads such a file first).
            """)

    @Argument(help: "The experiment file (JSON, see EXPERIMENT-SPEC.md).") var file: String
    @Option(help: "Folder the run folder goes in.") var runs = "runs"
    @Option(help: "Record every N-th step.") var monitorEvery = 1
    @Flag(help: "Also write TensorBoard event files (RUN_FOLDER/tensorboard/original/).") var tensorboard = false
    @Option(help: "Start from these weights (safetensors with PyTorch state_dict names, e.g. from safetensors.torch.save_file(model.state_dict(), PATH)).")
    var weights: String?

    func validate() throws {
        guard monitorEvery >= 1 else { throw ValidationError("--monitor-every must be at least 1, got \(monitorEvery)") }
    }

    func run() throws {
        let (experiment, text) = try ExperimentInput.load(file)
        let setup: ExperimentSetup<Float>
        do { setup = try ExperimentSetup(experiment) } catch { throw CLIError(error.description) }
        print("train \(experiment.name): \(ExperimentInput.describe(experiment, steps: setup.totalSteps))")
        if let weights {
            do { try setup.model.loadSafetensors(from: weights) } catch { throw CLIError(error.description) }
            print("loaded weights from \(weights)")
        }
        let bar = ProgressBar(delay: 0.5)
        let result = ExperimentRunner.run(setup, monitorEvery: monitorEvery, progress: bar.update) { summary in
            bar.interrupt()
            print(String(format: "epoch %3d/%d  loss %@  accuracy %@  gradient first/last %@", summary.epoch, summary.epochs,
                         show(summary.loss), percent(summary.accuracy), show(summary.gradientRatio)))
        }
        bar.finish()
        if let stopped = result.stoppedEarly { print("stopped early: \(stopped)") }
        print("final: \(setup.data.test == nil ? "training" : "test") loss \(show(result.final.loss)), accuracy \(percent(result.final.accuracy)), \(result.final.steps) steps")
        print("verdict: \(result.verdict.rawValue)")
        for finding in result.findings { print("  \(finding.kind.rawValue)\(finding.layer.map { " at layer \($0)" } ?? ""): \(finding.explanation)") }
        do {
            let folder = try RunFolder(root: runs, name: experiment.name)
            try folder.save(experimentText: text, report: DoctorReport(name: experiment.name, run: result), original: result,
                            tensorboard: tensorboard)
            print("run folder: \(folder.path)/ (report: \(folder.reportPath))")
        } catch {
            throw CLIError("could not write all of the run folder under \(runs): \(error)")
        }
    }
}
