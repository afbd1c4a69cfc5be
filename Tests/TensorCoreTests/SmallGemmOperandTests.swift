import TensorCore
import XCTest

final class SmallGemmOperandTests: XCTestCase {
    /// Every product against BLAS in double precision, at every instruction set this CPU has:
    /// ragged row blocks (m not a multiple of 4), ragged panels (n around 16, 24 and 64), k over
    /// one slice of 128, B given as itself and as its transpose, overwriting and accumulating.
    func testProductsMatchBLAS() {
        var rng = RandomGenerator(seed: 11)
        for level in availableVectorISALevels {
            withVectorISALevel(level) {
                for (m, n, k) in [(1, 1, 1), (3, 17, 5), (4, 64, 128), (7, 65, 129), (32, 512, 128), (32, 128, 512), (5, 24, 300), (9, 23, 2)] {
                    for transposed in [false, true] {
                        for accumulate in [false, true] {
                            let b = Tensor<Float>.normal(shape: transposed ? [n, k] : [k, n], using: &rng)
                            let a = Tensor<Float>.normal(shape: [m, k], using: &rng)
                            let start = Tensor<Float>.normal(shape: [m, n], using: &rng)
                            var c = start
                            let operand = SmallGemmOperand(b, transposed: transposed)
                            XCTAssertEqual([operand.k, operand.n], [k, n])
                            a.withUnsafeBufferPointer { pa in
                                c.withUnsafeMutableBufferPointer { pc in
                                    operand.multiply(m: m, pa.baseAddress!, lda: k, into: pc.baseAddress!, ldc: n, accumulate: accumulate)
                                }
                            }
                            let bd = Tensor<Double>(b)
                            var expected = Tensor.matmul(Tensor<Double>(a), transposed ? bd.transposed() : bd)
                            if accumulate { expected = expected + Tensor<Double>(start) }
                            let error = (Tensor<Double>(c) - expected).abs().maxAll()
                            XCTAssertLessThan(error, 1e-4 * Double(k).squareRoot(),
                                              "m \(m) n \(n) k \(k) transposed \(transposed) accumulate \(accumulate) ISA \(level)")
                        }
                    }
                }
            }
        }
    }
}
