/// The largest models and data sets GradGuard builds from a file (documented in
/// docs/experiment-format.md, "Limits"): beyond them a typo such as `"out": 1000000000` is an
/// error naming the key and the memory it would need, not an allocation failure.
public enum SizeLimits {
    /// Parameters in one model: 100 million (as Float with gradients and Adam's two moments,
    /// about 1.6 GB).
    public static let parameters = 100_000_000
    /// Bytes one parameter costs in training: value, gradient and two optimizer moments, as Float.
    public static let bytesPerParameter = 16
    /// Values (samples × features, inputs and targets together) in one generated data set:
    /// 500 million (2 GB as Float).
    public static let dataValues = 500_000_000
    /// Classes in a classification data set.
    public static let classes = 100_000
    /// Samples in one batch.
    public static let batchSize = 10_000_000
    /// A run's length: epochs, or steps.
    public static let epochs = 1_000_000
    public static let steps = 1_000_000_000

    /// Why `count` parameters are too many (nil: they fit); `count` nil means it overflows `Int`.
    public static func parameterProblem(_ count: Int?) -> String? {
        if let count, count <= parameters { return nil }
        let need = count.map { CheckedSize.describe(bytes: Double($0) * Double(bytesPerParameter)) + " to train" } ?? "more memory than exists"
        return "\(count.map { "\($0) parameters" } ?? "more than 2⁶³ parameters") would need \(need); the limit is \(parameters) parameters"
    }

    /// Why `count` data values are too many (nil: they fit).
    public static func dataProblem(_ count: Int?) -> String? {
        if let count, count <= dataValues { return nil }
        let need = count.map { CheckedSize.describe(bytes: Double($0) * 4) } ?? "more memory than exists"
        return "\(count.map { "\($0) values" } ?? "more than 2⁶³ values") would need \(need); the limit is \(dataValues) values"
    }
}
