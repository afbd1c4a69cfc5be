import RealModule

/// Element-wise maps and broadcasting binary operations.
extension Tensor {
    /// `f` applied to every element.
    @inlinable @inline(__always)
    public func map(_ f: (Scalar) -> Scalar) -> Tensor {
        withUnsafeBufferPointer { src in
            Tensor(shape: shape) { out in
                for i in 0..<src.count { out[i] = f(src[i]) }
            }
        }
    }

    /// `f` applied to corresponding elements of two tensors of the same shape.
    @inlinable @inline(__always)
    public func map(with other: Tensor, _ f: (Scalar, Scalar) -> Scalar) -> Tensor {
        precondition(shape == other.shape, "map(with:): shapes \(shape) and \(other.shape) differ")
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(shape: shape) { out in
                    for i in 0..<a.count { out[i] = f(a[i], b[i]) }
                }
            }
        }
    }

    /// `f` applied element-wise after broadcasting `a` and `b` to a common shape;
    /// `operation` names the operation in a shape-mismatch message.
    @inlinable @inline(__always)
    public static func zip(
        _ a: Tensor, _ b: Tensor, operation: String, _ f: (Scalar, Scalar) -> Scalar
    ) -> Tensor {
        if a.shape == b.shape { return a.map(with: b, f) }
        let shape = shapePrecondition { try broadcastShape(a.shape, b.shape, operation: operation) }
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Tensor(shape: shape) { out in
                    if b.count == 1 && shape == a.shape {
                        let s = pb[0]
                        for i in 0..<out.count { out[i] = f(pa[i], s) }
                    } else if a.count == 1 && shape == b.shape {
                        let s = pa[0]
                        for i in 0..<out.count { out[i] = f(s, pb[i]) }
                    } else if shape == a.shape && Array(a.shape.suffix(b.rank)) == b.shape {
                        // Row broadcast: b repeats along a's leading dimensions (adding a bias).
                        let inner = b.count
                        for row in 0..<(out.count / Swift.max(inner, 1)) {
                            let (o, x) = (out.baseAddress! + row * inner, pa.baseAddress! + row * inner)
                            for j in 0..<inner { o[j] = f(x[j], pb[j]) }
                        }
                    } else {
                        let sa = alignedStrides(of: a.shape, to: shape)
                        let sb = alignedStrides(of: b.shape, to: shape)
                        forEachOffset(shape: shape, sa, sb) { i, ia, ib in out[i] = f(pa[ia], pb[ib]) }
                    }
                }
            }
        }
    }

    /// Adds `other` (same shape) into this tensor in place: gradient accumulation.
    @inlinable
    public mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "add: shapes \(shape) and \(other.shape) differ")
        other.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { dst in
                for i in 0..<dst.count { dst[i] += src[i] }
            }
        }
    }

    /// Multiplies every element by `factor` in place.
    @inlinable
    public mutating func scale(by factor: Scalar) {
        withUnsafeMutableBufferPointer { dst in
            for i in 0..<dst.count { dst[i] *= factor }
        }
    }

    @inlinable public static func + (a: Tensor, b: Tensor) -> Tensor { zip(a, b, operation: "add") { $0 + $1 } }
    @inlinable public static func - (a: Tensor, b: Tensor) -> Tensor { zip(a, b, operation: "subtract") { $0 - $1 } }
    @inlinable public static func * (a: Tensor, b: Tensor) -> Tensor { zip(a, b, operation: "multiply") { $0 * $1 } }
    @inlinable public static func / (a: Tensor, b: Tensor) -> Tensor { zip(a, b, operation: "divide") { $0 / $1 } }
    @inlinable public static func + (a: Tensor, s: Scalar) -> Tensor { a.map { $0 + s } }
    @inlinable public static func - (a: Tensor, s: Scalar) -> Tensor { a.map { $0 - s } }
    @inlinable public static func * (a: Tensor, s: Scalar) -> Tensor { a.map { $0 * s } }
    @inlinable public static func / (a: Tensor, s: Scalar) -> Tensor { a.map { $0 / s } }
    @inlinable public static func + (s: Scalar, a: Tensor) -> Tensor { a.map { s + $0 } }
    @inlinable public static func - (s: Scalar, a: Tensor) -> Tensor { a.map { s - $0 } }
    @inlinable public static func * (s: Scalar, a: Tensor) -> Tensor { a.map { s * $0 } }
    @inlinable public static func / (s: Scalar, a: Tensor) -> Tensor { a.map { s / $0 } }
    @inlinable public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    /// eˣ element-wise.
    @inlinable public func exp() -> Tensor { map { .exp($0) } }
    /// Natural logarithm element-wise.
    @inlinable public func log() -> Tensor { map { .log($0) } }
    /// Square root element-wise.
    @inlinable public func sqrt() -> Tensor { map { $0.squareRoot() } }
    /// |x| element-wise.
    @inlinable public func abs() -> Tensor { map { Swift.abs($0) } }
    /// x² element-wise.
    @inlinable public func squared() -> Tensor { map { $0 * $0 } }
    /// xᵖ element-wise for a scalar exponent; an integral `p` is exact for negative x too
    /// (PyTorch's `pow(-2, 3) = -8`), a fractional one gives NaN there.
    @inlinable public func pow(_ p: Scalar) -> Tensor {
        if p == 2 { return squared() }
        if p.rounded() == p && Swift.abs(p) < Scalar(1 << 30) {
            let n = Int(p)
            return map { .pow($0, n) }
        }
        return map { .pow($0, p) }
    }
    /// xʸ element-wise with broadcasting.
    @inlinable public func pow(_ exponent: Tensor) -> Tensor {
        Tensor.zip(self, exponent, operation: "pow") { .pow($0, $1) }
    }
    /// Each element limited to `[min, max]` (either bound may be nil).
    @inlinable public func clamped(min lower: Scalar? = nil, max upper: Scalar? = nil) -> Tensor {
        let lo = lower ?? -.infinity, hi = upper ?? .infinity
        precondition(lo <= hi, "clamp: min \(lo) exceeds max \(hi)")
        return map { Swift.min(Swift.max($0, lo), hi) }
    }
}
