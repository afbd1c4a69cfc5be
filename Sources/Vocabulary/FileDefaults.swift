import Optimizers

/// The values an experiment file gets for the keys it leaves out, in one table (the parsers
/// read them from here; docs/experiment-format.md lists the same). Layer and optimizer keys
/// default to PyTorch's keyword defaults, written where each type is parsed.
public enum FileDefaults {
    /// `seed`.
    public static let seed = 0
    /// `batch_size`.
    public static let batchSize = 32
    /// `epochs`, when neither `epochs` nor `steps` is given.
    public static let epochs = 10
    /// `optimizer`, when absent: SGD at this rate.
    public static let optimizer = OptimizerSpec(kind: .sgd, learningRate: 0.01)
    /// `l2`.
    public static let l2 = 0.0
    /// `data.test_fraction`.
    public static let testFraction = 0.2
    /// `data.standardize`.
    public static let standardize = false
    /// `data.validation_fraction` when `validate_every` or `patience` asks for validation.
    public static let validationFraction = 0.1
    /// `validate_every`.
    public static let validateEvery = 1
    /// `min_delta`.
    public static let minDelta = 0.0
    /// `clip.non_finite`.
    public static let nonFinitePolicy = NonFinitePolicy.skip
    /// `mlp`'s `activation`.
    public static let mlpActivation = "relu"
}
