/// Matrix multiplication through BLAS.
extension Tensor {
    /// The `(m, n, k)` of `op(a) · op(b)` for 2-D operands, or a `ShapeError`.
    @inlinable
    public static func matmulDimensions(
        _ a: [Int], _ b: [Int], transposeA: Bool = false, transposeB: Bool = false
    ) throws(ShapeError) -> (m: Int, n: Int, k: Int) {
        guard a.count == 2, b.count == 2 else {
            throw ShapeError(operation: "matmul", shapes: [a, b], reason: "both operands must be 2-D")
        }
        let (m, ka) = transposeA ? (a[1], a[0]) : (a[0], a[1])
        let (kb, n) = transposeB ? (b[1], b[0]) : (b[0], b[1])
        guard ka == kb else {
            throw ShapeError(
                operation: "matmul", shapes: [a, b],
                reason: "inner dimensions differ (\(ka) vs \(kb))"
                    + (transposeA || transposeB ? " with transposeA=\(transposeA), transposeB=\(transposeB)" : ""))
        }
        return (m, n, ka)
    }

    /// `op(a) · op(b)` for 2-D tensors, `op` being an optional transpose (no copy is made:
    /// the flags go to `gemm`).
    ///
    /// With `rowBias` (`[n]`), the result is `op(a) · op(b) + rowBias` on every row, in one pass:
    /// the panel kernel adds the bias as it stores; BLAS starts from rows holding the bias and adds
    /// to them (no second pass over the output either way).
    @inlinable
    public static func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false, rowBias: Tensor? = nil
    ) -> Tensor {
        let (m, n, k) = shapePrecondition {
            try matmulDimensions(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
        }
        if let rowBias {
            precondition(
                rowBias.shape == [n],
                ShapeError(operation: "matmul", shapes: [a.shape, b.shape, rowBias.shape], reason: "rowBias must be [\(n)]")
                    .description)
        }
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Tensor(shape: [m, n]) { out in
                    if let rowBias {
                        let done = rowBias.withUnsafeBufferPointer { bias in
                            if k > 0, Scalar.gemm(
                                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                a: pa.baseAddress!, lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1],
                                rowBias: bias.baseAddress!, c: out.baseAddress!, ldc: n)
                            {
                                return true
                            }
                            for i in 0..<m { (out.baseAddress! + i * n).initialize(from: bias.baseAddress!, count: n) }
                            return false
                        }
                        if done { return }
                    } else if k == 0 {
                        out.initialize(repeating: 0)
                    }
                    guard k > 0 else { return }
                    Scalar.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: 1, a: pa.baseAddress!, lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1],
                        beta: rowBias == nil ? 0 : 1, c: out.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// `self · other` for 2-D tensors.
    @inlinable
    public func matmul(_ other: Tensor) -> Tensor { Tensor.matmul(self, other) }
}
