import CBLAS
import RealModule

/// A floating-point type a `Tensor` can hold: `Float` for training, `Double` for gradient checks.
///
/// Elementary functions (`exp`, `log`, `tanh`, `erf`, …) come from swift-numerics' `Real`;
/// matrix multiplication goes to OpenBLAS (`cblas_sgemm` / `cblas_dgemm`).
public protocol TensorScalar: BinaryFloatingPoint, Real, KernelMath, Codable, Sendable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
    /// Row-major GEMM: `C = alpha · op(A) · op(B) + beta · C`, where `op(A)` is `m × k`,
    /// `op(B)` is `k × n`, and `lda`, `ldb`, `ldc` are the row strides of the stored matrices.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// `Σ x[i]²` over `count` elements, accumulated in Double (BLAS `dsdot` / `ddot`).
    static func sumOfSquares(_ x: UnsafePointer<Self>, count: Int) -> Double
}

@inlinable
func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: TensorScalar {
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        cblas_dsdot(blasint(count), x, 1, x, 1)
    }

    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }
}

extension Double: TensorScalar {
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Double>, count: Int) -> Double {
        cblas_ddot(blasint(count), x, 1, x, 1)
    }

    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }
}
