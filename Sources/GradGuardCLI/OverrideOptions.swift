import ArgumentParser
import GradGuard

/// `--set KEY.PATH=VALUE` and its shortcuts, shared by `train` and `doctor`.
struct OverrideOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Change one key of the experiment file, e.g. --set optimizer.lr=0.01 --set model[0].activation=tanh (repeatable; checked like the file; see docs/experiment-format.md).",
        valueName: "key.path=value"))
    var settings: [String] = []
    @Option(help: "The optimizer's learning rate (--set optimizer.lr=…).") var lr: Double?
    @Option(help: "Train for this many epochs (replaces epochs or steps).") var epochs: Int?
    @Option(help: "The random seed (--set seed=…).") var seed: Int?

    /// No override was given.
    var isEmpty: Bool { settings.isEmpty && lr == nil && epochs == nil && seed == nil }

    /// The overrides in the order they apply: the shortcuts first, then every --set.
    func overrides() throws -> [ExperimentOverride] {
        var result: [ExperimentOverride] = []
        if let lr { result.append(ExperimentOverride(path: [.key("optimizer"), .key("lr")], json: "\(lr)", description: "optimizer.lr=\(lr)")) }
        if let epochs {
            result.append(ExperimentOverride(path: [.key("steps")], json: "null", description: "steps=null"))
            result.append(ExperimentOverride(path: [.key("epochs")], json: "\(epochs)", description: "epochs=\(epochs)"))
        }
        if let seed { result.append(ExperimentOverride(path: [.key("seed")], json: "\(seed)", description: "seed=\(seed)")) }
        do {
            for text in settings { result.append(try ExperimentOverride(text)) }
        } catch { throw CLIError(error.description) }
        return result
    }
}
