/// What the monitor measures of a layer's output in one pass: its finite values' sum and sum of
/// squares (Double), how many are finite, and, for the output of a sigmoid, tanh or ReLU, the
/// mean derivative σ′ and the flagged fraction (`Tensor.outputDerivativeStatistics`).
public struct ActivationSummary: Sendable {
    /// Σ x over the finite elements.
    public let sum: Double
    /// Σ x² over the finite elements.
    public let sumOfSquares: Double
    /// How many elements are finite.
    public let finite: Int
    /// Mean σ′ and flagged fraction, for an activation's output; nil otherwise.
    public let derivative: (meanDerivative: Double, flaggedFraction: Double)?

    /// A summary from its parts (the kernels' results, or a test's expected values).
    public init(sum: Double, sumOfSquares: Double, finite: Int, derivative: (meanDerivative: Double, flaggedFraction: Double)?) {
        (self.sum, self.sumOfSquares, self.finite, self.derivative) = (sum, sumOfSquares, finite, derivative)
    }
}
