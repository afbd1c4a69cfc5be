import CBLAS
import XCTest
@testable import TensorCore

final class BLASThreadingTests: XCTestCase {
    /// A product split in halves (C's columns where it is at least as wide as tall, else its
    /// rows) agrees with the whole product to float rounding (OpenBLAS's kernels for a block's
    /// edge add in another order: up to 2e-6 relative here), for every transposition of A and B;
    /// a wrong offset for a transposed operand or a lost half fails here. The operands have row
    /// strides wider than their rows, so a stride mistaken for a width shows too.
    func testSplitProductsAgreeWithTheWholeOne() {
        var rng = RandomGenerator(seed: 9)
        for (m, n, k) in [(40, 200, 70), (300, 36, 50)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let (aRows, aColumns) = transposeA ? (k, m) : (m, k)
                    let (bRows, bColumns) = transposeB ? (n, k) : (k, n)
                    let (lda, ldb, ldc) = (aColumns + 3, bColumns + 5, n + 7)
                    let a = Tensor<Float>.uniform(shape: [aRows, lda], low: -1, high: 1, using: &rng)
                    let b = Tensor<Float>.uniform(shape: [bRows, ldb], low: -1, high: 1, using: &rng)
                    func product(splitting: Bool) -> [Float] {
                        var c = [Float](repeating: -9, count: m * ldc)
                        a.withUnsafeBufferPointer { a in
                            b.withUnsafeBufferPointer { b in
                                c.withUnsafeMutableBufferPointer { c in
                                    BLASThreading.run(
                                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                        lda: lda, ldb: ldb, ldc: ldc, splitting: splitting
                                    ) { m, n, aOffset, bOffset, cOffset in
                                        cblas_sgemm(
                                            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                            blasint(m), blasint(n), blasint(k), 1, a.baseAddress! + aOffset, blasint(lda),
                                            b.baseAddress! + bOffset, blasint(ldb), 0, c.baseAddress! + cOffset, blasint(ldc))
                                    }
                                }
                            }
                        }
                        return c
                    }
                    XCTAssertGreaterThanOrEqual(m * n * k, BLASThreading.splitMultiplyAdds, "large enough to split")
                    let whole = product(splitting: false)
                    XCTAssertTrue(whole.enumerated().allSatisfy { $0.offset % ldc < n ? $0.element != -9 : $0.element == -9 })
                    let split = product(splitting: true)
                    let worst = zip(split, whole).map { abs($0 - $1) / Swift.max(1, abs($1)) }.max() ?? 0
                    XCTAssertLessThan(worst, 1e-5, "\(m)×\(n)×\(k), transposeA \(transposeA), transposeB \(transposeB)")
                }
            }
        }
    }

    /// Where products are split, OpenBLAS runs on one thread; `threads` is the count a product may use.
    func testSplittingLeavesOpenBLASOneThread() {
        if BLASThreading.splitsProducts {
            XCTAssertEqual(openblas_get_num_threads(), 1)
            XCTAssertEqual(BLASThreading.threads, 2)
        } else {
            XCTAssertEqual(BLASThreading.threads, Int(openblas_get_num_threads()))
        }
    }
}
