import CKernels

/// The right-hand side B (`k × n`) of many small products `C = A · B (+ C)`, such as a recurrent
/// layer's `W_hh` at every time step of a sequence. For Float on a CPU with AVX2 + FMA or
/// AVX-512, B is packed once into the column panels a single-threaded register-blocked kernel
/// streams (CKernels' `gg_small_gemm_f32`): at these sizes a BLAS call costs more in repacking B
/// and waking its threads than in arithmetic. Otherwise every product is a BLAS GEMM on B itself.
public struct SmallGemmOperand<Scalar: TensorScalar> {
    /// Rows of B (the products' inner dimension).
    public let k: Int
    /// Columns of B (and of every product).
    public let n: Int
    private let matrix: Tensor<Scalar>
    private let transposed: Bool
    private let packed: [Float]?
    private let panelWidth: Int

    /// Whether the products run on the packed panels (Float with AVX2 + FMA or AVX-512), which
    /// never call BLAS and so may run on two threads at once (`runInHalves`).
    public var isPacked: Bool { packed != nil }

    /// B itself (`[k, n]`), or with `transposed` B given as its transpose `[n, k]`.
    public init(_ matrix: Tensor<Scalar>, transposed: Bool = false) {
        precondition(matrix.rank == 2, "SmallGemmOperand: B must be a matrix, got shape \(matrix.shape)")
        let (k, n) = transposed ? (matrix.shape[1], matrix.shape[0]) : (matrix.shape[0], matrix.shape[1])
        (self.k, self.n) = (k, n)
        self.matrix = matrix
        self.transposed = transposed
        let width = Scalar.self == Float.self && k > 0 && n > 0 ? gg_small_gemm_panel_width() : 0
        panelWidth = width
        let size = (n + width - 1) / Swift.max(width, 1) * width * k
        packed = width == 0 ? nil : matrix.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: size) { buffer, count in
                let b = UnsafeRawPointer(source.baseAddress!).assumingMemoryBound(to: Float.self)
                gg_small_gemm_pack_f32(k, n, b, matrix.shape[1], transposed ? 1 : 0, width, buffer.baseAddress!)
                count = size
            }
        }
    }

    /// `C = A · B`, or `C + A · B` with `accumulate`: A is `m × k` with row stride `lda`, C is
    /// `m × n` with row stride `ldc`.
    @inlinable
    public func multiply(
        m: Int, _ a: UnsafePointer<Scalar>, lda: Int, into c: UnsafeMutablePointer<Scalar>, ldc: Int, accumulate: Bool
    ) {
        multiplyImplementation(m: m, a, lda: lda, into: c, ldc: ldc, accumulate: accumulate)
    }

    @usableFromInline
    func multiplyImplementation(
        m: Int, _ a: UnsafePointer<Scalar>, lda: Int, into c: UnsafeMutablePointer<Scalar>, ldc: Int, accumulate: Bool
    ) {
        if let packed {
            packed.withUnsafeBufferPointer { panels in
                gg_small_gemm_f32(
                    m, n, k, UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), lda, panels.baseAddress!, panelWidth,
                    UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), ldc, accumulate ? 1 : 0)
            }
            return
        }
        matrix.withUnsafeBufferPointer { b in
            Scalar.gemm(
                transposeA: false, transposeB: transposed, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                b: b.baseAddress!, ldb: matrix.shape[1], beta: accumulate ? 1 : 0, c: c, ldc: ldc)
        }
    }
}
