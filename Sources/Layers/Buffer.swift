import TensorCore

/// A tensor a module keeps and saves but does not train (BatchNorm's running statistics).
public final class Buffer<Scalar: TensorScalar> {
    public var value: Tensor<Scalar>
    public init(_ value: Tensor<Scalar>) { self.value = value }
}
