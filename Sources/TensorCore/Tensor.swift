/// An N-dimensional array of `Scalar`, stored contiguously in row-major order.
///
/// Storage is a Swift array, so copies are cheap and copy-on-write. Operations never keep
/// views: reshaping is free, every other shape change copies.
public struct Tensor<Scalar: TensorScalar>: Sendable, Equatable {
    /// The extent of each dimension; `[]` is a scalar.
    public let shape: [Int]
    @usableFromInline var storage: [Scalar]
    /// The elements in row-major order.
    @inlinable public var scalars: [Scalar] { storage }

    /// A tensor with the given shape and row-major elements (`scalars.count` must equal the
    /// product of `shape`).
    @inlinable
    public init(shape: [Int], scalars: [Scalar]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(
            Tensor.elementCount(shape) == scalars.count,
            "Tensor: shape \(shape) holds \(Tensor.elementCount(shape)) elements, got \(scalars.count)")
        self.shape = shape
        self.storage = scalars
    }

    /// A tensor whose elements are all `value`.
    @inlinable
    public init(repeating value: Scalar, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: Tensor.elementCount(shape)))
    }

    /// A tensor of zeros.
    @inlinable
    public init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

    /// A zero-dimensional tensor holding one value.
    @inlinable
    public init(_ value: Scalar) { self.init(shape: [], scalars: [value]) }

    /// A one-dimensional tensor.
    @inlinable
    public init(_ values: [Scalar]) { self.init(shape: [values.count], scalars: values) }

    /// A tensor whose storage `fill` writes in full (no zeroing first: the hot path).
    @inlinable
    public init(shape: [Int], fill: (UnsafeMutableBufferPointer<Scalar>) -> Void) {
        let n = Tensor.elementCount(shape)
        self.shape = shape
        self.storage = Array(unsafeUninitializedCapacity: n) { buffer, initialized in
            fill(buffer)
            initialized = n
        }
    }

    /// A tensor converted element by element from another scalar type.
    @inlinable
    public init<Other: TensorScalar>(_ other: Tensor<Other>) {
        self.init(shape: other.shape, scalars: other.scalars.map { Scalar($0) })
    }

    /// The number of elements in a tensor of `shape`.
    @inlinable
    public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// The number of elements.
    @inlinable public var count: Int { scalars.count }
    /// The number of dimensions.
    @inlinable public var rank: Int { shape.count }

    /// The only element of a one-element tensor.
    @inlinable
    public var scalar: Scalar {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements")
        return scalars[0]
    }

    /// The element at a multi-dimensional index.
    @inlinable
    public subscript(_ index: Int...) -> Scalar {
        get { scalars[flatIndex(index)] }
        set { storage[flatIndex(index)] = newValue }
    }

    @inlinable
    func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "Tensor subscript: \(index.count) indices for rank \(rank)")
        var flat = 0
        for (i, d) in Swift.zip(index, shape) {
            precondition(i >= 0 && i < d, "Tensor subscript: index \(index) out of range for shape \(shape)")
            flat = flat * d + i
        }
        return flat
    }

    /// Read-only access to the storage.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Mutable access to the storage (copies first if it is shared). The buffer is passed by
    /// value, not `inout` as Array's is: a store through an `inout` buffer might change the
    /// buffer itself, so LLVM reloads it every iteration and cannot vectorise the loop.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { buffer in try body(buffer) }
    }

    /// The same elements with another shape of equal element count; `-1` infers one dimension.
    @inlinable
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "reshape: cannot reshape \(shape) to \(newShape)")
            resolved[inferred] = count / known
        }
        precondition(
            Tensor.elementCount(resolved) == count,
            ShapeError(operation: "reshape", shapes: [shape, newShape], reason: "element counts differ").description)
        return Tensor(shape: resolved, scalars: storage)
    }

    /// True when every element is finite (no NaN, no ±∞).
    @inlinable
    public var isFinite: Bool {
        withUnsafeBufferPointer { buffer in buffer.allSatisfy { $0.isFinite } }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)(\(shown)\(count > 8 ? ", …" : ""))"
    }
}
