import ArgumentParser
import Foundation
import GradGuard

/// `gradguard doctor [FILE] [--json]`: diagnose, explain and repair a training run.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Train, diagnose gradient problems per layer, explain them, and try the remedies.",
        discussion: """
            Without FILE it runs the built-in example: a deep sigmoid MLP with a too-small \
            initialisation on the embedded digits data, whose gradient vanishes. Every remedy \
            that fits the main problem is retrained with the same seed, data and step budget, then, while none fixes it and the --budget lasts, each at a \
            learning rate picked by a range test and in pairs; a fix is confirmed on a second seed. \
            --json prints the document of docs/experiment-format.md instead of the summary. The detectors' rules and the repair search: docs/doctor.md; the run folder: docs/run-folder.md.
            """)

    @Argument(help: "The experiment file (JSON, or YAML as .yaml/.yml; see docs/experiment-format.md); default: the built-in example.") var file: String?
    @Flag(help: "Print the doctor document as JSON on standard output.") var json = false
    @Option(help: "Folder the run folder goes in.") var runs = "runs"
    @OptionGroup var overrideOptions: OverrideOptions
    @Flag(help: "Do not write a run folder.") var noSave = false
    @Option(help: "Record every N-th step.") var monitorEvery = 1
    @Flag(help: "Also write TensorBoard event files (RUN_FOLDER/tensorboard/, one run per remedy).") var tensorboard = false
    @Option(help: "Start the original run from these weights (safetensors with PyTorch state_dict names); NaN/∞ in them is diagnosed, naming the tensor.")
    var weights: String?
    @Option(help: "Seconds the repair search may take: no new attempt starts after it (the first round always runs).") var budget = 30.0

    func validate() throws {
        guard monitorEvery >= 1 else { throw ValidationError("--monitor-every must be at least 1, got \(monitorEvery)") }
        guard budget >= 0, budget.isFinite else { throw ValidationError("--budget must be a number of seconds ≥ 0, got \(budget)") }
    }

    func run() throws {
        let world: MPIWorld?
        do { world = try MPIWorld.fromEnvironment() } catch { throw CLIError("mpirun: \(error)") }
        let (experiment, text) = try ExperimentInput.load(file, overrides: try overrideOptions.overrides())
        var doctor = Doctor(monitorEvery: monitorEvery, budget: budget)
        doctor.sharing = world.map(MPISharing.init)
        if let world, world.rank != 0 {
            // Trains its share of the single remedies; rank 0 leads the search and reports.
            do { try doctor.serveAsWorker(experiment) } catch { throw CLIError("\(error)") }
            return
        }
        let log = { (line: String) in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        if !json {
            print("gradguard doctor: \(experiment.name)\(file == nil ? " (built-in example)" : "")"
                  + (world.map { " — the single remedies shared by \($0.size) processes" } ?? ""))
        }
        let stop = StopSignal(message: "stopping after this step; the run folder will hold what was found (Ctrl-C again to quit at once)…")
        defer { stop.remove() }
        if world == nil { doctor.stopRequested = { stop.isRequested } }
        if let weights {
            do { doctor.initialWeights = (weights, try SafetensorsFile.read(path: weights).tensors(as: Double.self)) } catch {
                throw CLIError("\(error)")
            }
        }
        var bar = ProgressBar(delay: 0.5), runIndex = 0
        let start = Date()
        let outcome: (report: DoctorReport, original: MonitoredRun, repairs: [MonitoredRun])
        do {
            outcome = try doctor.examine(experiment) { event in
                switch event {
                case .runStarted(let label, let steps):
                    runIndex += 1
                    bar = ProgressBar(delay: 0.5)
                    log(runIndex == 1 ? "training \(label) (\(ExperimentInput.describe(experiment, steps: steps)))…"
                                      : label.hasPrefix("confirm") ? "\(label)…" : "retraining with \(label)…")
                case .progress(let p): bar.update(p)
                case .runFinished(_, let result):
                    bar.finish()
                    if runIndex == 1 { log("  → \(result.verdict.rawValue); trying remedies") }
                }
            }
        } catch { throw CLIError("\(error)") }
        var report = outcome.report
        if stop.isRequested { report.interrupted = true }
        var folderPath: String?
        if !noSave {
            do {
                let status = RunStatus(command: "doctor", experimentFolder: URL(fileURLWithPath: file ?? ".").deletingLastPathComponent().standardizedFileURL.path,
                                       experimentFile: file.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "default", monitorEvery: 1,
                                       tensorboard: tensorboard, totalSteps: outcome.original.final.steps)
                let folder = try RunFolder(root: runs, name: experiment.name, status: status)
                folderPath = folder.path
                try folder.save(experimentText: text, report: report, original: outcome.original, repairs: outcome.repairs,
                                tensorboard: tensorboard, interrupted: stop.isRequested)
            } catch {
                log("warning: could not write all of the run folder under \(runs): \(error)")
            }
        }
        if json {
            print(try report.json())
        } else {
            print(DoctorSummary.render(report, seconds: Date().timeIntervalSince(start), folder: folderPath))
        }
        if stop.isRequested {
            log("interrupted: the diagnosis and repairs above cover what ran before Ctrl-C\(folderPath.map { "; saved in \($0)/" } ?? "")")
            throw ExitCode(130)
        }
    }
}
