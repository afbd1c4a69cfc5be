import ArgumentParser
import Foundation
import GradGuard

/// `gradguard train FILE`: train an experiment with the gradient monitor on; `--resume FOLDER`
/// continues an interrupted one.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an experiment file with the gradient monitor on.",
        discussion: """
            Shows a progress bar and one line per epoch (training loss, accuracy, and the share \
            of the gradient that reaches the first weighted layer), then the test-set result and \
            the diagnosis. Creates runs/NAME-TIMESTAMP/ at the start and writes it as training goes: \
            the experiment file, status.json, metrics.jsonl and a checkpoint (weights, optimizer \
            state, random generators) at every epoch's end and every --checkpoint-every seconds; \
            at the end metrics.csv, report.html, doctor.json (the diagnosis) and the final \
            weights.safetensors (PyTorch state_dict names; --weights loads such a file first). \
            Ctrl-C stops after the current step and saves; `gradguard train --resume FOLDER` then \
            continues with the same numbers as an uninterrupted run. \
            The file format: docs/experiment-format.md; the folder: docs/run-folder.md.
            """)

    @Argument(help: "The experiment file (JSON, or YAML as .yaml/.yml; see docs/experiment-format.md); omit with --resume.") var file: String?
    @Option(help: "Continue the run in this run folder from its last checkpoint.") var resume: String?
    @Option(help: "Folder the run folder goes in.") var runs = "runs"
    @OptionGroup var overrideOptions: OverrideOptions
    @Option(help: "Record every N-th step.") var monitorEvery = 1
    @Option(help: "Seconds between checkpoints inside an epoch (every epoch's end is one too).") var checkpointEvery = 60.0
    @Flag(help: "Also write TensorBoard event files (RUN_FOLDER/tensorboard/original/).") var tensorboard = false
    @Option(help: "Start from these weights (safetensors with PyTorch state_dict names, e.g. from safetensors.torch.save_file(model.state_dict(), PATH)).")
    var weights: String?

    func validate() throws {
        guard monitorEvery >= 1 else { throw ValidationError("--monitor-every must be at least 1, got \(monitorEvery)") }
        guard checkpointEvery > 0 else { throw ValidationError("--checkpoint-every must be positive, got \(checkpointEvery)") }
        switch (file, resume) {
        case (nil, nil): throw ValidationError("give an experiment file, or --resume RUN_FOLDER")
        case (.some, .some): throw ValidationError("give an experiment file or --resume RUN_FOLDER, not both")
        case (nil, .some) where !overrideOptions.isEmpty:
            throw ValidationError("--set, --lr, --epochs and --seed change a new run; a resumed run keeps the experiment it started with")
        default: break
        }
        if resume != nil, weights != nil { throw ValidationError("--weights starts a new run; a resumed run continues from its checkpoint") }
    }

    func run() throws {
        let world: MPIWorld?
        do { world = try MPIWorld.fromEnvironment() } catch { throw CLIError("mpirun: \(error)") }
        if let world {
            guard resume == nil else { throw CLIError("--resume continues a run in one process; run it without mpirun") }
            if world.rank != 0 { return try trainAsWorker(world) }
        }
        let (experiment, text, folder, resumed) = try resume.map(Self.reopen) ?? start()
        let setup: ExperimentSetup<Float>
        do { setup = try ExperimentSetup(experiment) } catch { throw CLIError(error.description) }
        let parallelism = try world.map { try Self.shareBatches(setup, $0) }
        var persistence = RunPersistence(journal: folder, checkpointInterval: checkpointEvery)
        if let resumed {
            do {
                try folder.begin(experimentText: text, totalSteps: setup.totalSteps)
                try resumed.checkpoint.restore(into: setup.trainer, source: folder.file(RunFolder.checkpointFile))
                persistence.resume = (resumed.checkpoint.position, resumed.records)
                if folder.status.tensorboard { try folder.streamTensorBoard(resumedEpochs: resumed.checkpoint.position.history.epochLosses.count) }
            } catch { throw CLIError(error.description) }
            print("resume \(experiment.name) at step \(resumed.checkpoint.position.step) of \(setup.totalSteps): \(folder.path)/")
        } else {
            print("train \(experiment.name): \(ExperimentInput.describe(experiment, steps: setup.totalSteps))")
            if let weights {
                do { try setup.model.loadSafetensors(from: weights) } catch { throw CLIError(error.description) }
                print("loaded weights from \(weights)")
            }
            do {
                try folder.begin(experimentText: text, totalSteps: setup.totalSteps)
                if tensorboard { try folder.streamTensorBoard() }
            } catch { throw CLIError(error.description) }
            print("run folder: \(folder.path)/ (written as training goes; Ctrl-C stops and saves)")
        }
        if let world { print("data parallel: \(world.size) processes share each batch of \(experiment.batchSize); this one (rank 0) writes the run folder") }
        let stop = StopSignal(message: "stopping after this step and saving (Ctrl-C again to quit at once)…")
        defer { stop.remove() }
        // Under mpirun every process stops after the step at which any of them was asked to.
        parallelism?.localStopRequested = { stop.isRequested }
        let stopRequested: () -> Bool = parallelism.map { shared in { shared.stopAgreed } } ?? { stop.isRequested }
        let bar = ProgressBar(delay: 0.5)
        let result = ExperimentRunner.run(setup, monitorEvery: folder.status.monitorEvery, persistence: persistence,
                                          stopRequested: stopRequested, progress: bar.update) { summary in
            bar.interrupt()
            let validation = summary.validation.map { "  val loss \(show($0.loss))  val accuracy \(percent($0.accuracy))" } ?? ""
            print(String(format: "epoch %3d/%d  loss %@  accuracy %@%@  gradient first/last %@", summary.epoch, summary.epochs,
                         show(summary.loss), percent(summary.accuracy), validation, show(summary.gradientRatio)))
        }
        bar.finish()
        if let parallelism { try Self.checkAgreement(parallelism, setup) }
        if let stopped = result.stoppedEarly { print("stopped early: \(stopped)") }
        if let validation = ValidationSummary(result.history) { print(ExperimentInput.describe(validation)) }
        let partial = result.interrupted ? " after \(result.final.steps) of \(setup.totalSteps) steps (interrupted)" : ""
        print("final: \(setup.data.test == nil ? "training" : "test") loss \(show(result.final.loss)), accuracy \(percent(result.final.accuracy)), \(result.final.steps) steps\(partial)")
        if let clip = result.clipping, experiment.clip != nil || clip.skippedSteps > 0 { print("clipping: \(clip.summary)") }
        print("verdict: \(result.verdict.rawValue)")
        for finding in result.findings { print("  \(finding.kind.rawValue)\(finding.layer.map { " at layer \($0)" } ?? ""): \(finding.explanation)") }
        do {
            try folder.save(experimentText: text, report: DoctorReport(name: experiment.name, run: result), original: result,
                            tensorboard: folder.status.tensorboard)
            print("run folder: \(folder.path)/ (report: \(folder.reportPath))")
        } catch {
            for problem in folder.writeProblems { print("warning: \(problem)") }
            throw CLIError("could not write all of the run folder \(folder.path): \(error)")
        }
        for problem in folder.writeProblems { print("warning: while training: \(problem)") }
        if result.interrupted {
            print("interrupted: the checkpoint is at step \(result.final.steps); continue with: gradguard train --resume \(folder.path)")
            throw ExitCode(130)
        }
    }

    /// Ranks above 0 under mpirun: the same experiment, trained on their rows of each batch with
    /// no monitor, output or files; rank 0 reports and writes the run folder.
    private func trainAsWorker(_ world: MPIWorld) throws {
        let (experiment, _) = try ExperimentInput.load(file, overrides: try overrideOptions.overrides())
        var setup: ExperimentSetup<Float>
        do { setup = try ExperimentSetup(experiment) } catch { throw CLIError(error.description) }
        let parallelism = try Self.shareBatches(setup, world)
        if let weights {
            do { try setup.model.loadSafetensors(from: weights) } catch { throw CLIError(error.description) }
        }
        let trainer = setup.trainer
        // Stops with rank 0 at the step where any process was asked to stop; rank 0 saves.
        let stop = StopSignal(message: nil)
        defer { stop.remove() }
        parallelism.localStopRequested = { stop.isRequested }
        trainer.stopRequested = { parallelism.stopAgreed }
        do {
            _ = try trainer.train(on: setup.data.train, epochs: setup.epochs, batchSize: experiment.batchSize, using: &setup.shuffling,
                                  maxSteps: setup.maxSteps, validation: setup.validation)
        } catch {}  // the `error` policy stopped every process at the same step; rank 0 reports it
        try Self.checkAgreement(parallelism, setup)
    }

    /// Data parallelism over `world` on `setup`'s trainer.
    private static func shareBatches(_ setup: ExperimentSetup<Float>, _ world: MPIWorld) throws -> MPIDataParallelism {
        guard setup.experiment.batchSize >= world.size else {
            throw CLIError("batch_size \(setup.experiment.batchSize) is smaller than the \(world.size) processes that share each batch")
        }
        let parallelism = MPIDataParallelism(world: world)
        setup.trainer.parallelism = parallelism
        return parallelism
    }

    /// Every process must end with the same weights; a failed all-reduce or a difference is an error.
    private static func checkAgreement(_ parallelism: MPIDataParallelism, _ setup: ExperimentSetup<Float>) throws {
        if let failure = parallelism.failure { throw CLIError("data parallel training: \(failure)") }
        do {
            guard try parallelism.weightsAgree(setup.model.parameters) else {
                throw CLIError("data parallel training: the processes ended with different weights")
            }
        } catch let error as MPIError { throw CLIError("data parallel training: \(error)") }
    }

    /// A new run: the experiment file and a new run folder.
    private func start() throws -> (Experiment, Data, RunFolder, (checkpoint: TrainingCheckpoint, records: [StepRecord])?) {
        let (experiment, text) = try ExperimentInput.load(file, overrides: try overrideOptions.overrides())
        let url = URL(fileURLWithPath: file ?? "experiment.json")
        let status = RunStatus(command: "train", experimentFolder: url.deletingLastPathComponent().standardizedFileURL.path,
                               experimentFile: url.lastPathComponent, monitorEvery: monitorEvery, tensorboard: tensorboard, totalSteps: 0)
        do { return (experiment, text, try RunFolder(root: runs, name: experiment.name, status: status), nil) } catch {
            throw CLIError(error.description)
        }
    }

    /// A run folder to continue: its experiment, checkpoint and the records before it.
    private static func reopen(_ path: String) throws -> (Experiment, Data, RunFolder, (checkpoint: TrainingCheckpoint, records: [StepRecord])?) {
        do {
            let folder = try RunFolder(existing: path)
            guard folder.status.command == "train" else {
                throw CLIError("\(path): a \(folder.status.command) run; only train runs can be resumed")
            }
            guard folder.status.state != .complete else { throw CLIError("\(path): this run is complete; nothing to resume") }
            guard folder.status.checkpointStep != nil else {
                throw CLIError("\(path): the run stopped before its first checkpoint; start it again with gradguard train")
            }
            let (experiment, text) = try folder.experiment()
            let checkpoint = try TrainingCheckpoint.read(path: folder.file(RunFolder.checkpointFile))
            let records = try folder.resumeRecords(count: checkpoint.recordCount)
            return (experiment, text, folder, (checkpoint, records))
        } catch let error as DataFormatError {
            throw CLIError(error.description)
        }
    }
}
