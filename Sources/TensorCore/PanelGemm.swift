import CKernels

/// CKernels' register-blocked Float GEMM for the small and medium products of a training step
/// (e.g. W2's 128 × 256 by 256 × 256): B is packed into column panels on every call, and the two
/// halves of the panels are packed and multiplied at once on the calling thread and the helper
/// thread. `Float.gemm` sends a product here when `isPreferred` says so; OpenBLAS runs the rest.
/// At these sizes OpenBLAS spends much of its time waking its threads and repacking, and its
/// waiting threads then compete for the two cores with the helper thread.
public enum PanelGemm {
    /// Whether `Float.gemm` runs an `m × n × k` product here: on a CPU with AVX-512 or with
    /// AVX2 + FMA, when A (`m × k`) has at most 2¹⁷ floats (every panel streams all of it, so it must stay in L2),
    /// `n` is at least 16 (or the product is large enough for OpenBLAS to wake its second thread,
    /// over 2¹⁸ multiply-adds) and the product has at most 2²⁶ multiply-adds — where
    /// `gradguard bench gemm-threads` measured it ahead of OpenBLAS — unless the environment sets
    /// `GRADGUARD_GEMM=blas`.
    @inlinable
    public static func isPreferred(m: Int, n: Int, k: Int) -> Bool { gg_gemm_prefers_panel(m, n, k) != 0 }

    /// `C = op(A) · op(B)`, or `C + op(A) · op(B)` with `accumulate`, or `op(A) · op(B) + rowBias`
    /// on every row with `rowBias` (`n` floats; the same bits as C holding the bias rows and
    /// `accumulate`, without that pass over C), for row-major matrices (`op(A)` is `m × k`,
    /// `op(B)` is `k × n`; with a transpose flag the matrix is given as its transpose; `lda`,
    /// `ldb`, `ldc` are row strides). Returns false, leaving C alone, where no kernel runs on this
    /// CPU (no AVX2 + FMA) or the packing buffer cannot be allocated.
    @inlinable
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, rowBias: UnsafePointer<Float>? = nil
    ) -> Bool {
        precondition(!(accumulate && rowBias != nil), "PanelGemm: accumulate and rowBias exclude each other")
        return gg_panel_gemm_f32(
            transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0, rowBias) != 0
    }
}
