import TensorCore

/// Stops with a `ShapeError` message unless a loss's prediction and target shapes match.
func requireSameShape(_ operation: String, _ prediction: [Int], _ target: [Int]) {
    precondition(
        prediction == target,
        ShapeError(operation: operation, shapes: [prediction, target], reason: "prediction and target must have the same shape").description)
}
