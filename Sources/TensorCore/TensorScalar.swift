import CBLAS
import CKernels
import RealModule

/// A floating-point type a `Tensor` can hold: `Float` for training, `Double` for gradient checks.
///
/// Elementary functions (`exp`, `log`, `tanh`, `erf`, …) come from swift-numerics' `Real`;
/// matrix multiplication goes to OpenBLAS (`cblas_sgemm` / `cblas_dgemm`; a large product split
/// in two on a two-CPU machine, `BLASThreading`), except the small and medium Float products
/// `PanelGemm` runs.
public protocol TensorScalar: BinaryFloatingPoint, Real, KernelMath, Codable, Sendable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
    /// Row-major GEMM: `C = alpha · op(A) · op(B) + beta · C`, where `op(A)` is `m × k`,
    /// `op(B)` is `k × n`, and `lda`, `ldb`, `ldc` are the row strides of the stored matrices.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// `C = op(A) · op(B) + rowBias` on every row (`rowBias`: `n` values), where a kernel adds the
    /// bias as it stores C (no pass over C of its own); returns false, writing nothing, where
    /// none does — the caller then fills C's rows with the bias and calls `gemm` with beta 1,
    /// which gives the same bits.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        rowBias: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>, ldc: Int) -> Bool

    /// `Σ x[i]²` over `count` elements, accumulated in Double: finite for any finite input and
    /// not lost to underflow for vanishing ones (OpenBLAS's `dsdot` kernels square in single
    /// precision and overflow above 1.8e19).
    static func sumOfSquares(_ x: UnsafePointer<Self>, count: Int) -> Double

    /// One pass over `count` elements: the sum and sum of squares of the finite ones (with
    /// Double's range; Float: within about 1e-6 relative) and how many are finite.
    static func finiteStatistics(_ x: UnsafePointer<Self>, count: Int) -> (sum: Double, sumOfSquares: Double, finite: Int)

    /// `Σ (a[i] − b[i])²` in Double, each difference taken in `Self`.
    static func squaredDistance(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int) -> Double
}

@inlinable
func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension TensorScalar {
    /// No kernel adds a row bias as it stores (Double, and any other conforming type): the
    /// caller fills C's rows with the bias and calls `gemm` with beta 1.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        rowBias: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>, ldc: Int
    ) -> Bool { false }
}

extension Float: TensorScalar {
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        gg_sum_squares_f32(x, count)
    }

    @inlinable
    public static func finiteStatistics(_ x: UnsafePointer<Float>, count: Int) -> (sum: Double, sumOfSquares: Double, finite: Int) {
        var stats = gg_stats()
        gg_stats_f32(x, count, &stats)
        return (stats.sum, stats.sum_squares, stats.finite)
    }

    @inlinable
    public static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
        gg_distance_squared_f32(a, b, count)
    }

    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if alpha == 1, beta == 0 || beta == 1, PanelGemm.isPreferred(m: m, n: n, k: k),
            PanelGemm.multiply(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                c: c, ldc: ldc, accumulate: beta == 1)
        {
            return
        }
        BLASThreading.run(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc) {
            m, n, aOffset, bOffset, cOffset in
            cblas_sgemm(
                CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                blasint(m), blasint(n), blasint(k), alpha, a + aOffset, blasint(lda), b + bOffset, blasint(ldb),
                beta, c + cOffset, blasint(ldc))
        }
    }

    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        rowBias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int
    ) -> Bool {
        PanelGemm.isPreferred(m: m, n: n, k: k)
            && PanelGemm.multiply(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                c: c, ldc: ldc, accumulate: false, rowBias: rowBias)
    }
}

extension Double: TensorScalar {
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Double>, count: Int) -> Double {
        cblas_ddot(blasint(count), x, 1, x, 1)
    }

    @inlinable
    public static func finiteStatistics(_ x: UnsafePointer<Double>, count: Int) -> (sum: Double, sumOfSquares: Double, finite: Int) {
        var sum = 0.0, squares = 0.0, finite = 0
        for i in 0..<count where x[i].isFinite {
            sum += x[i]
            squares += x[i] * x[i]
            finite += 1
        }
        return (sum, squares, finite)
    }

    @inlinable
    public static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var squares = 0.0
        for i in 0..<count {
            let d = a[i] - b[i]
            squares += d * d
        }
        return squares
    }

    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        BLASThreading.run(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc) {
            m, n, aOffset, bOffset, cOffset in
            cblas_dgemm(
                CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                blasint(m), blasint(n), blasint(k), alpha, a + aOffset, blasint(lda), b + bOffset, blasint(ldb),
                beta, c + cOffset, blasint(ldc))
        }
    }
}
