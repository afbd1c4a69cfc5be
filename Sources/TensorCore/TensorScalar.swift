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

    /// `Σ x[i]²` over `count` elements, accumulated in Double: finite for any finite input
    /// (OpenBLAS's `dsdot` kernels square in single precision and overflow above 1.8e19).
    static func sumOfSquares(_ x: UnsafePointer<Self>, count: Int) -> Double
}

@inlinable
func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: TensorScalar {
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var a = 0.0, b = 0.0, c = 0.0, d = 0.0
        var i = 0
        while i + 4 <= count {
            let p = Double(x[i]), q = Double(x[i + 1]), r = Double(x[i + 2]), s = Double(x[i + 3])
            a += p * p
            b += q * q
            c += r * r
            d += s * s
            i += 4
        }
        while i < count {
            let p = Double(x[i])
            a += p * p
            i += 1
        }
        return (a + b) + (c + d)
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
