import CBLAS
import CKernels
import Foundation

/// Who runs a large BLAS product's threads on a two-CPU machine: OpenBLAS on one thread, each
/// half of the product on one of GradGuard's two (the caller and the helper thread, as
/// `runInHalves`).
///
/// OpenBLAS's own second thread waits actively for about 0.1 s after every product it shares
/// (`sched_yield` in a loop), so on two CPUs it competes with the helper thread for the second
/// one through everything that follows: a recurrent layer's loop, an optimizer's update halves.
/// On an AMD EPYC Zen 3 (OpenBLAS 0.3.21, Zen kernel), in alternating processes, W4's step took
/// 11.4–11.6 ms against 14.4–14.7 (its two recurrent loops 3.3 and 3.1 ms against 4.4 and 4.1;
/// its products as fast as before), W5's 3.10 against 3.42–3.60 ms, W3's 26.2–26.9 against
/// 27.4–28.7 ms; W2 (whose products run on the panel kernel) unchanged. W3's product shapes
/// alone, each half on a single-threaded OpenBLAS call: 16.2–17.5 ms for the set against
/// 16.2–16.5 on OpenBLAS's two threads.
public enum BLASThreading {
    /// Products of at least this many multiply-adds are split: OpenBLAS 0.3.21 runs smaller ones
    /// on one thread anyway (SMP_THRESHOLD_MIN × GEMM_MULTITHREAD_THRESHOLD).
    public static let splitMultiplyAdds = 1 << 18

    /// Whether large products are split here, decided once, at the first large product or the
    /// first read: on when OpenBLAS runs exactly two threads (a two-CPU machine; with more, its
    /// own threads outnumber GradGuard's two) and the helper thread runs, unless
    /// `GRADGUARD_BLAS_SPLIT=0`. Turning it on sets OpenBLAS to one thread for the process.
    public static let splitsProducts: Bool = {
        if ProcessInfo.processInfo.environment["GRADGUARD_BLAS_SPLIT"] == "0" { return false }
        guard openblas_get_num_threads() == 2, gg_helper_thread_available() != 0 else { return false }
        openblas_set_num_threads(1)
        return true
    }()

    /// The BLAS threads a product of this process may use: 2 where products are split here,
    /// else OpenBLAS's count.
    public static var threads: Int { splitsProducts ? 2 : Int(openblas_get_num_threads()) }

    /// Runs `product(m, n, a, b, c)` once for the whole of the row-major product `op(A) · op(B)`
    /// (`m × k` by `k × n`, row strides `lda`, `ldb`, `ldc`), or, for a large product while
    /// `splitting` (default `splitsProducts`), once for each half of C's longer side, at once on
    /// the two threads; `a`, `b` and `c` are the element offsets of the half's operands and
    /// result. A half's elements agree with the whole product's to float rounding (OpenBLAS's
    /// kernels for a block's edge add in another order).
    @inlinable
    public static func run(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int,
        splitting: Bool = splitsProducts, _ product: (_ m: Int, _ n: Int, _ a: Int, _ b: Int, _ c: Int) -> Void
    ) {
        guard m * n * k >= splitMultiplyAdds, splitting else { return product(m, n, 0, 0, 0) }
        // Halves of 16 rows or columns: whole vector panels for OpenBLAS's kernels.
        let splitsColumns = n >= m
        let split = ((splitsColumns ? n : m) + 16) / 32 * 16
        guard split > 0, split < (splitsColumns ? n : m) else { return product(m, n, 0, 0, 0) }
        runInHalves { half in
            let (first, count) = half == 0 ? (0, split) : (split, (splitsColumns ? n : m) - split)
            if splitsColumns {
                product(m, count, 0, transposeB ? first * ldb : first, first)
            } else {
                product(count, n, transposeA ? first : first * lda, 0, first * ldc)
            }
        }
    }
}
