/// Comparisons give masks: tensors of 1 (true) and 0 (false) in the same scalar type.
extension Tensor {
    @inlinable public func greater(_ other: Tensor) -> Tensor { Tensor.zip(self, other, operation: "greater") { $0 > $1 ? 1 : 0 } }
    @inlinable public func greaterEqual(_ other: Tensor) -> Tensor { Tensor.zip(self, other, operation: "greaterEqual") { $0 >= $1 ? 1 : 0 } }
    @inlinable public func less(_ other: Tensor) -> Tensor { Tensor.zip(self, other, operation: "less") { $0 < $1 ? 1 : 0 } }
    @inlinable public func lessEqual(_ other: Tensor) -> Tensor { Tensor.zip(self, other, operation: "lessEqual") { $0 <= $1 ? 1 : 0 } }
    @inlinable public func equal(_ other: Tensor) -> Tensor { Tensor.zip(self, other, operation: "equal") { $0 == $1 ? 1 : 0 } }
    @inlinable public func greater(_ s: Scalar) -> Tensor { map { $0 > s ? 1 : 0 } }
    @inlinable public func less(_ s: Scalar) -> Tensor { map { $0 < s ? 1 : 0 } }

    /// Element-wise choice: `a` where `mask` is non-zero, else `b`; all three broadcast.
    @inlinable
    public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let ab = shapePrecondition { try broadcastShape(a.shape, b.shape, operation: "where") }
        let shape = shapePrecondition { try broadcastShape(mask.shape, ab, operation: "where") }
        let m = mask.broadcast(to: shape), x = a.broadcast(to: shape), y = b.broadcast(to: shape)
        return m.withUnsafeBufferPointer { pm in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeBufferPointer { py in
                    Tensor(shape: shape) { out in
                        for i in 0..<out.count { out[i] = pm[i] != 0 ? px[i] : py[i] }
                    }
                }
            }
        }
    }
}
