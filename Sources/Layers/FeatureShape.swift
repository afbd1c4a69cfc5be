import TensorCore

/// Checks that a per-feature layer (BatchNorm1d, LayerNorm) gets `[batch, features]`; the one
/// check behind both the throwing `outputShape(for:)` and the `forward` precondition.
func checkFeatureInput(_ layer: String, _ inputShape: [Int], features: Int) throws(ShapeError) {
    guard inputShape.count == 2, inputShape[1] == features else {
        throw ShapeError(operation: layer, shapes: [inputShape, [features]], reason: "input must be [batch, \(features)]")
    }
}
