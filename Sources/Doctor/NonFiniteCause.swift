import Diagnosis
import Runs
import TensorCore

/// Where the NaN/∞ of a `non_finite` verdict came from: `data` (which file, rows and columns —
/// fix the data, no training remedy can help), `loss` (the test loss is not finite while the
/// training gradients are: the evaluation overflowed), or `training` (the first step and layer
/// that held one: the values grew there).
public struct NonFiniteCause: Codable, Sendable, Equatable {
    /// `data`, `loss` or `training`.
    public var source: String
    /// Data: where the values are.
    public var data: NonFiniteValues?
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
