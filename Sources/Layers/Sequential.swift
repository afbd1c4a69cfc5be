import Autodiff
import TensorCore

/// Layers applied in order; children are named `"0"`, `"1"`, … as in PyTorch's `nn.Sequential`.
public final class Sequential<Scalar: TensorScalar>: Module<Scalar> {
    /// The layers, in order.
    public private(set) var layers: [Module<Scalar>]

    public init(_ layers: [Module<Scalar>]) { self.layers = layers }

    public convenience init(_ layers: Module<Scalar>...) { self.init(layers) }

    /// Appends a layer at the end.
    public func append(_ layer: Module<Scalar>) { layers.append(layer) }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        layers.reduce(input) { x, layer in layer(x) }
    }

    public override var children: [(name: String, module: Module<Scalar>)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    public override func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        var shape = inputShape
        for (i, layer) in layers.enumerated() {
            do {
                shape = try layer.outputShape(for: shape)
            } catch {
                throw ShapeError(operation: "layer \(i) (\(layer.summary)): " + error.operation,
                                 shapes: error.shapes, reason: error.reason)
            }
        }
        return shape
    }

    public override var summary: String { "Sequential(" + layers.map(\.summary).joined(separator: ", ") + ")" }
}
