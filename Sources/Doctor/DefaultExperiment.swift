import Experiments
import Foundation

/// The experiment `gradguard doctor` runs without a file: a deep sigmoid MLP (8 hidden layers of
/// 64) with a too-small initialisation, N(0, 0.05²), on the embedded digits — the textbook
/// vanishing gradient (source article 002), which the doctor diagnoses, explains and repairs.
public enum DefaultExperiment {
    public static let json = """
    {
      "name": "deep-sigmoid-digits",
      "seed": 7,
      "data": {"kind": "digits"},
      "model": [
        {"type": "mlp", "sizes": [64, 64, 64, 64, 64, 64, 64, 64, 64, 10], "activation": "sigmoid",
         "init": {"type": "normal", "std": 0.05}}
      ],
      "loss": "cross_entropy",
      "optimizer": {"type": "sgd", "lr": 0.1},
      "clip": null,
      "batch_size": 32,
      "epochs": 10
    }
    """

    public static func experiment() -> Experiment {
        // The text above is part of the program: a failure here is a programming mistake.
        do { return try Experiment.parse(Data(json.utf8), file: "built-in deep-sigmoid-digits") } catch { preconditionFailure("\(error)") }
    }
}
