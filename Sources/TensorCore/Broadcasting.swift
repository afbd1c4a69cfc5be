import CKernels
/// NumPy-style broadcasting: shapes are aligned on the right; a dimension of 1 stretches.
extension Tensor {
    /// The shape two operands broadcast to, or a `ShapeError` naming the operation.
    @inlinable
    public static func broadcastShape(_ a: [Int], _ b: [Int], operation: String) throws(ShapeError) -> [Int] {
        let rank = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 {
                result[i] = da
            } else if da == 1 {
                result[i] = db
            } else {
                throw ShapeError(
                    operation: operation, shapes: [a, b],
                    reason: "dimension \(i) is \(da) in one and \(db) in the other (broadcasting needs equal sizes or 1)")
            }
        }
        return result
    }

    /// Row-major element strides of `shape` aligned to `target` (0 where `shape` is broadcast).
    @inlinable
    static func alignedStrides(of shape: [Int], to target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        let offset = target.count - shape.count
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i + offset] = shape[i] == 1 ? 0 : step
            step *= shape[i]
        }
        return strides
    }

    /// Calls `body(linear, offsetA, offsetB)` for every index of `shape` in row-major order,
    /// where the offsets follow `stridesA` and `stridesB`. The one strided walk behind
    /// broadcasting, reduction and permutation.
    @inlinable
    static func forEachOffset(
        shape: [Int], _ stridesA: [Int], _ stridesB: [Int], _ body: (Int, Int, Int) -> Void
    ) {
        let rank = shape.count
        if rank == 0 { body(0, 0, 0); return }
        if shape.contains(0) { return }
        let inner = shape[rank - 1], innerA = stridesA[rank - 1], innerB = stridesB[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var offsetA = 0, offsetB = 0, linear = 0
        while true {
            var a = offsetA, b = offsetB
            for _ in 0..<inner {
                body(linear, a, b)
                linear += 1; a += innerA; b += innerB
            }
            var d = rank - 2
            while d >= 0 {
                index[d] += 1; offsetA += stridesA[d]; offsetB += stridesB[d]
                if index[d] < shape[d] { break }
                offsetA -= stridesA[d] * shape[d]; offsetB -= stridesB[d] * shape[d]
                index[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }

    /// This tensor stretched to `target` (which it must broadcast to).
    @inlinable
    public func broadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let checked = shapePrecondition { try Tensor.broadcastShape(shape, target, operation: "broadcast") }
        precondition(checked == target, "broadcast: shape \(shape) does not broadcast to \(target)")
        let strides = Tensor.alignedStrides(of: shape, to: target)
        return withUnsafeBufferPointer { src in
            Tensor(shape: target) { out in
                Tensor.forEachOffset(shape: target, strides, strides) { i, s, _ in out[i] = src[s] }
            }
        }
    }

    /// The adjoint of `broadcast(to:)`: sums over the dimensions in which `target` was
    /// stretched to reach this tensor's shape (how a broadcast operand's gradient is reduced).
    @inlinable
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let targetCount = Tensor.elementCount(target)
        if targetCount == count { return reshaped(target) }
        if targetCount == 1 { return Tensor(shape: target, scalars: [sumAll()]) }
        var result = Tensor(zeros: target)
        let strides = Tensor.alignedStrides(of: target, to: shape)
        let trimmed = Array(target.drop { $0 == 1 })
        withUnsafeBufferPointer { src in
            result.withUnsafeMutableBufferPointer { dst in
                if Array(shape.suffix(trimmed.count)) == trimmed {
                    // Reduce the leading dimensions: add each row into the result (bias gradients).
                    let inner = targetCount
                    if Scalar.self == Float.self, let x = src.baseAddress, let y = dst.baseAddress {
                        // One vectorised C loop (the generic one below calls `+=` through its
                        // protocol witness in this specialisation); the same bits.
                        gg_sum_rows_f32(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), count / inner, inner,
                                        UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self))
                        return
                    }
                    // Row pointers, not `src[base + j]`: the overflow check on `base + j` would stop
                    // LLVM from vectorising the loop.
                    for row in 0..<(count / inner) {
                        let source = src.baseAddress! + row * inner
                        for j in 0..<inner { dst[j] += source[j] }
                    }
                } else {
                    Tensor.forEachOffset(shape: shape, strides, strides) { i, t, _ in dst[t] += src[i] }
                }
            }
        }
        return result
    }
}
