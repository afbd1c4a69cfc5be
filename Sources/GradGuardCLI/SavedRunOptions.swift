import ArgumentParser
import GradGuard

/// The run folder and the weights `evaluate` and `predict` read.
struct SavedRunOptions: ParsableArguments {
    @Argument(help: "A run folder written by gradguard train or doctor.") var run: String
    @Option(help: "final (weights.safetensors), best (best.safetensors: the lowest validation loss) or a safetensors file.")
    var weights = "final"

    /// The run, opened with the chosen weights; problems as one line.
    func open() throws -> SavedRun {
        let choice: SavedRun.Weights = switch weights {
        case "final": .final
        case "best": .best
        default: .file(weights)
        }
        do { return try SavedRun(path: run, weights: choice) } catch { throw CLIError(error.description) }
    }
}
