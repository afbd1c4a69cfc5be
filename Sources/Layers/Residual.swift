import Autodiff
import TensorCore

/// A shortcut connection `x + body(x)` (He et al. 2016): the gradient reaches `x` unchanged
/// through the identity path, whatever `body` does to it. Parameters are named `body.…`
/// (`1.body.1.weight`), as in the reference files.
public final class Residual<Scalar: TensorScalar>: Module<Scalar> {
    public let body: Module<Scalar>

    public init(_ body: Module<Scalar>) { self.body = body }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { input + body(input) }

    public override var children: [(name: String, module: Module<Scalar>)] { [("body", body)] }

    public override func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        let out = try body.outputShape(for: inputShape)
        guard out == inputShape else {
            throw ShapeError(operation: summary, shapes: [inputShape, out], reason: "the body must keep the input's shape")
        }
        return out
    }

    public override var summary: String { "Residual(\(body.summary))" }
}
