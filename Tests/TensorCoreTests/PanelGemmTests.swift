import TensorCore
import XCTest

final class PanelGemmTests: XCTestCase {
    /// Every form against a Double matmul, at every instruction set this CPU has: A and B each
    /// as themselves and transposed, ragged row blocks (m not a multiple of 4), ragged panels (n
    /// around 16, 24 and 64), k over one slice of 128 and not a multiple of 16 (the transposed
    /// pack's blocks), row strides wider than the matrices, overwriting, accumulating and adding a
    /// row bias, and products large enough to split over the helper thread.
    func testProductsMatchDouble() {
        var rng = RandomGenerator(seed: 12)
        let shapes = [(1, 1, 1), (3, 17, 5), (4, 64, 128), (7, 65, 129), (128, 256, 256), (130, 200, 37), (9, 23, 2), (64, 130, 300)]
        for level in availableVectorISALevels {
            withVectorISALevel(level) {
                for (m, n, k) in shapes {
                    for transposeA in [false, true] {
                        for transposeB in [false, true] {
                            for start in [Start.zero, .accumulate, .rowBias] {
                                check(m, n, k, transposeA, transposeB, start, level, &rng)
                            }
                        }
                    }
                }
            }
        }
    }

    /// What C starts from: zero, its own values, or a bias row.
    private enum Start { case zero, accumulate, rowBias }

    private func check(
        _ m: Int, _ n: Int, _ k: Int, _ transposeA: Bool, _ transposeB: Bool, _ mode: Start, _ level: Int,
        _ rng: inout RandomGenerator
    ) {
        let accumulate = mode == .accumulate
        let padding = 3  // row strides wider than the rows
        let aShape = transposeA ? [k, m] : [m, k], bShape = transposeB ? [n, k] : [k, n]
        let aStored = Tensor<Float>.normal(shape: [aShape[0], aShape[1] + padding], using: &rng)
        let bStored = Tensor<Float>.normal(shape: [bShape[0], bShape[1] + padding], using: &rng)
        let start = Tensor<Float>.normal(shape: [m, n + padding], using: &rng)
        let bias = Tensor<Float>.normal(shape: [n], using: &rng)
        // C holding the bias rows, for the bias's reference: multiplying into it with accumulate.
        let biasRows = Tensor<Float>(shape: [m, n + padding]) { rows in
            for i in 0..<m { for j in 0..<(n + padding) { rows[i * (n + padding) + j] = j < n ? bias[j] : start[i, j] } }
        }
        func multiply(into c: inout Tensor<Float>, accumulate: Bool, rowBias: Bool) -> Bool {
            aStored.withUnsafeBufferPointer { a in
                bStored.withUnsafeBufferPointer { b in
                    bias.withUnsafeBufferPointer { bias in
                        c.withUnsafeMutableBufferPointer { out in
                            PanelGemm.multiply(
                                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                a: a.baseAddress!, lda: aShape[1] + padding, b: b.baseAddress!, ldb: bShape[1] + padding,
                                c: out.baseAddress!, ldc: n + padding, accumulate: accumulate,
                                rowBias: rowBias ? bias.baseAddress! : nil)
                        }
                    }
                }
            }
        }
        var c = start
        let ran = multiply(into: &c, accumulate: accumulate, rowBias: mode == .rowBias)
        let what = "m \(m) n \(n) k \(k) transposeA \(transposeA) transposeB \(transposeB) \(mode) ISA \(level)"
        guard ran else {
            XCTAssertEqual(level, 0, "only the baseline has no panel kernel: \(what)")
            XCTAssertEqual(c, start, "C untouched when the kernel does not run: \(what)")
            return
        }
        func columns(_ t: Tensor<Float>, _ count: Int) -> Tensor<Double> { Tensor<Double>(t).slice(axis: 1, 0..<count) }
        var a = columns(aStored, aShape[1]), b = columns(bStored, bShape[1])
        if transposeA { a = a.transposed() }
        if transposeB { b = b.transposed() }
        var expected = Tensor.matmul(a, b)
        if accumulate { expected = expected + columns(start, n) }
        if mode == .rowBias {
            expected = expected + Tensor<Double>(bias)
            var reference = biasRows
            XCTAssertTrue(multiply(into: &reference, accumulate: true, rowBias: false))
            XCTAssertEqual(c.slice(axis: 1, 0..<n), reference.slice(axis: 1, 0..<n), "the bias row gives the bits of bias rows + accumulate: \(what)")
        }
        let error = (columns(c, n) - expected).abs().maxAll()
        XCTAssertLessThan(error, 1e-4 * Double(k).squareRoot(), what)
        XCTAssertEqual(c.slice(axis: 1, n..<(n + padding)), start.slice(axis: 1, n..<(n + padding)), "padding columns kept: \(what)")
    }

    /// A product split over the helper thread gets every panel exactly as one thread computes
    /// it, whichever thread takes which panel: C starts as NaN, and each of many runs must give
    /// the bits of the first (a panel neither thread took would stay NaN). W2's hidden product
    /// (two panels a half on AVX-512, six and five on AVX2, each half's last one in four row
    /// pieces), W4's recurrent one (four panels a half, too few rows for pieces) and a ragged one
    /// (130 rows: a last piece of 2), at every instruction set.
    func testSplitProductsComputeEveryPanelOnce() {
        var rng = RandomGenerator(seed: 14)
        for level in availableVectorISALevels where level > 0 {
            withVectorISALevel(level) {
                for (m, n, k) in [(128, 256, 256), (32, 512, 128), (130, 200, 37)] {
                    let a = Tensor<Float>.normal(shape: [m, k], using: &rng), b = Tensor<Float>.normal(shape: [k, n], using: &rng)
                    var first: Tensor<Float>?
                    for run in 0..<60 {
                        var c = Tensor<Float>(repeating: .nan, shape: [m, n])
                        let ran = a.withUnsafeBufferPointer { a in
                            b.withUnsafeBufferPointer { b in
                                c.withUnsafeMutableBufferPointer { c in
                                    PanelGemm.multiply(
                                        transposeA: false, transposeB: false, m: m, n: n, k: k, a: a.baseAddress!, lda: k,
                                        b: b.baseAddress!, ldb: n, c: c.baseAddress!, ldc: n, accumulate: false)
                                }
                            }
                        }
                        XCTAssertTrue(ran, "ISA \(level)")
                        XCTAssertEqual(c.withUnsafeBufferPointer { $0.filter(\.isNaN).count }, 0, "m \(m) n \(n) run \(run) ISA \(level)")
                        if let first { XCTAssertEqual(c, first, "m \(m) n \(n) run \(run) ISA \(level)") } else { first = c }
                    }
                }
            }
        }
    }

    /// `Tensor.matmul` takes the panel kernel for a training step's products on AVX-512 and on
    /// AVX2, a tall A too (W4's input projection), and gives BLAS's result up to rounding, with
    /// and without a row bias.
    func testMatmulThroughPanelKernel() {
        var rng = RandomGenerator(seed: 13)
        let runs = vectorISA != "baseline"
        XCTAssertEqual(PanelGemm.isPreferred(m: 128, n: 256, k: 256), runs)
        XCTAssertFalse(PanelGemm.isPreferred(m: 256, n: 1024, k: 1024), "W3's products stay on BLAS")
        XCTAssertFalse(PanelGemm.isPreferred(m: 64, n: 1, k: 50), "a one-column product stays on BLAS")
        XCTAssertEqual(PanelGemm.isPreferred(m: 128, n: 10, k: 256), runs,
                       "a ten-column product large enough for OpenBLAS's second thread does not")
        XCTAssertEqual(PanelGemm.isPreferred(m: 3200, n: 512, k: 32), runs, "a tall A (W4's input projection)")
        XCTAssertFalse(PanelGemm.isPreferred(m: 3200, n: 32, k: 512), "an A over 2¹⁷ floats (W4's input gradient) stays on BLAS")
        let x = Tensor<Float>.normal(shape: [128, 256], using: &rng)
        let w = Tensor<Float>.normal(shape: [200, 256], using: &rng)
        let bias = Tensor<Float>.normal(shape: [200], using: &rng)
        let y = Tensor.matmul(x, w, transposeB: true, rowBias: bias)
        let expected = Tensor.matmul(Tensor<Double>(x), Tensor<Double>(w).transposed()) + Tensor<Double>(bias)
        XCTAssertLessThan((Tensor<Double>(y) - expected).abs().maxAll(), 1e-3)
    }
}
