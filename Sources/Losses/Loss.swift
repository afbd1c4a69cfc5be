import Autodiff
import TensorCore

/// A loss chosen by name (`"mse"`, `"cross_entropy"`, `"bce_with_logits"`), each the mean
/// over the batch as PyTorch's default `reduction="mean"`.
public enum Loss: String, Sendable, CaseIterable {
    case mse
    case crossEntropy = "cross_entropy"
    case bceWithLogits = "bce_with_logits"

    /// The loss of `prediction` against `target`: for `crossEntropy`, `target` holds class
    /// indices `[batch]` (as whole numbers); otherwise it has the prediction's shape.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction<Scalar>(_ prediction: Variable<Scalar>, _ target: Tensor<Scalar>) -> Variable<Scalar> {
        switch self {
        case .mse: Losses.meanSquaredError(prediction, target)
        case .crossEntropy: Losses.crossEntropy(logits: prediction, labels: target.scalars.map { Int($0) })
        case .bceWithLogits: Losses.binaryCrossEntropyWithLogits(prediction, target)
        }
    }
}
