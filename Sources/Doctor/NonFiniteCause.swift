import Diagnosis
import Runs
import TensorCore

/// Where the NaN/∞ of a `non_finite` verdict came from: `data` (which file, rows and columns —
/// fix the data, no training remedy can help), `weights` (which tensor of a loaded weights
/// file), `loss` (the test loss is not finite while the
/// training gradients are: the evaluation overflowed), or `training` (the first step and layer
/// that held one: the values grew there).
public struct NonFiniteCause: Codable, Sendable, Equatable {
    /// `data`, `weights`, `loss` or `training`.
    public var source: String
    /// Data: where the values are.
    public var data: NonFiniteValues?
    /// Weights: the file, the tensor (`state_dict` name) and how many of its values are NaN/∞.
    public var file: String?
    public var tensor: String?
    public var count: Int?
    /// Training: the first step and layer with a NaN/∞.
    public var step: Int?
    public var layer: String?
    /// What to do about it, in words.
    public var advice: String

    /// NaN/∞ in the data set.
    public static func data(_ values: NonFiniteValues) -> NonFiniteCause {
        NonFiniteCause(source: "data", data: values, advice: "The data holds NaN or ±∞ (\(values.description)): no training "
            + "remedy can help. Remove or impute those rows or values (a value beyond ±3.4e38 overflows Float32), then run again.")
    }

    /// NaN/∞ in a loaded weights file.
    public static func weights(tensor: String, count: Int, file: String) -> NonFiniteCause {
        NonFiniteCause(source: "weights", file: file, tensor: tensor, count: count,
                       advice: "The weights in \(file) hold \(count) NaN/∞ value\(count == 1 ? "" : "s") in tensor \(tensor): the "
                        + "run that saved them had already diverged. Start from an earlier checkpoint or from a fresh initialisation.")
    }

    /// The cause of `run`'s non-finite finding, if it has one.
    static func of(_ findings: [Finding]) -> NonFiniteCause? {
        guard let finding = findings.first(where: { $0.kind == .nonFinite }) else { return nil }
        if finding.evidence["test_loss"] != nil {
            return NonFiniteCause(source: "loss", advice: "The test loss is not finite while every training gradient was: the "
                + "model's outputs on the test set overflow the loss (test inputs far outside the training range, or "
                + "confident wrong predictions). Check the test data's range; standardise the inputs.")
        }
        return NonFiniteCause(source: "training", step: finding.firstStep, layer: finding.layer,
                              advice: "The values grew during training until they overflowed: lower the learning rate, clip gradients, "
                                + "use an initialisation that keeps the signal's scale.")
    }
}
