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

extension Loss {
    /// Checks that `target` fits a prediction of shape `prediction` before the loss is taken (the
    /// loss itself stops on a mismatch, a programming error): for `crossEntropy`, `[batch]` whole
    /// numbers in `0..<classes`; otherwise the prediction's shape.
    public func checkTarget<Scalar: TensorScalar>(prediction: [Int], _ target: Tensor<Scalar>) throws(ShapeError) {
        switch self {
        case .crossEntropy:
            guard prediction.count == 2, target.shape == [prediction[0]] else {
                throw ShapeError(operation: rawValue, shapes: [prediction, target.shape], reason: "needs logits [batch, classes] and class indices [batch]")
            }
            if let bad = target.scalars.first(where: { !($0 >= 0 && Double($0) < Double(prediction[1]) && $0 == $0.rounded()) }) {
                throw ShapeError(operation: rawValue, shapes: [prediction, target.shape], reason: "class index \(bad) is not a whole number in 0..<\(prediction[1])")
            }
        case .mse, .bceWithLogits:
            guard prediction == target.shape else {
                throw ShapeError(operation: rawValue, shapes: [prediction, target.shape], reason: "prediction and target must have the same shape")
            }
        }
    }
}
