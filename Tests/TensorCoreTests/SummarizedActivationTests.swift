import TensorCore
import XCTest

/// `applyingSummarized` and `activationBackwardSummed`: the same bits as the plain kernels, and
/// the statistics the separate passes give, at every instruction-set level this CPU has.
final class SummarizedActivationTests: XCTestCase {

    private func bits(_ t: Tensor<Float>) -> [UInt32] { t.scalars.map(\.bitPattern) }

    private func assertClose(_ a: Double, _ b: Double, relative: Double = 1e-6, _ message: String) {
        XCTAssertEqual(a, b, accuracy: relative * Swift.abs(b) + 1e-12, message)
    }

    /// 5000 elements: two whole blocks of the kernel and a tail; with a NaN and an ∞ in the
    /// input, and without (where the mean derivative is a number to compare).
    func testForwardIsTheSameBitsWithBothSummaries() throws {
        try atEveryISALevel { isa in
            var rng = RandomGenerator(seed: 11)
            let finite = Tensor<Float>.normal(shape: [5000], std: 3, using: &rng)
            var values = finite.scalars
            values[17] = .nan
            values[4321] = .infinity
            for (x, f) in [Tensor(values), finite].flatMap({ x in [Activation.sigmoid, .tanh, .relu].map { (x, $0) } }) {
                let (y, input, output) = try XCTUnwrap(x.applyingSummarized(f))
                XCTAssertEqual(bits(y), bits(x.applying(f)), "\(f), \(isa)")
                for (summary, expected) in [(input, x.outputSummary(nil)), (output, y.outputSummary(f))] {
                    XCTAssertEqual(summary.finite, expected.finite, "\(f), \(isa)")
                    assertClose(summary.sum, expected.sum, "\(f) sum")
                    assertClose(summary.sumOfSquares, expected.sumOfSquares, "\(f) squares")
                    XCTAssertEqual(summary.derivative == nil, expected.derivative == nil, "\(f), \(isa)")
                    if let d = summary.derivative, let e = expected.derivative {
                        XCTAssertEqual(d.flaggedFraction, e.flaggedFraction, accuracy: 1e-3, "\(f), \(isa)")
                        XCTAssertEqual(d.meanDerivative.isNaN, e.meanDerivative.isNaN, "\(f), \(isa)")
                        if !e.meanDerivative.isNaN { assertClose(d.meanDerivative, e.meanDerivative, "\(f) derivative") }
                    }
                }
                XCTAssertEqual(input.finite, x.scalars.allSatisfy(\.isFinite) ? 5000 : 4998, "NaN and ∞ are not finite")
            }
            XCTAssertNil(finite.applyingSummarized(.gelu))
            XCTAssertNil(Tensor<Double>(finite).applyingSummarized(.sigmoid), "Float kernels only")
        }
    }

    func testBackwardIsTheSameBitsWithBothSquares() throws {
        try atEveryISALevel { isa in
            var rng = RandomGenerator(seed: 12)
            // 64 × 70: whole vectors only; 7 × 13: a scalar tail after them.
            for shape in [[64, 70], [7, 13]] {
                let x = Tensor<Float>.normal(shape: shape, std: 2, using: &rng)
                for f in [Activation.sigmoid, .tanh, .relu] {
                    let y = x.applying(f)
                    // Ordinary, small (float sums), vanishing (squares under float's normal range: summed
                    // again in double), huge, and mixed (squares under 2⁻¹²⁶ left out of a float sum).
                    for scale: Double in [1, 1e-14, 1e-22, 1e18, -1] {
                        var g = Tensor<Float>.normal(shape: shape, std: scale < 0 ? 1e-10 : scale, using: &rng)
                        if scale < 0 { g = Tensor(shape: g.shape, scalars: g.scalars.enumerated().map { $0.offset % 2 == 0 ? $0.element * 1e-10 : $0.element }) }
                        let (result, received, sent) = try XCTUnwrap(x.activationBackwardSummed(f, output: y, gradient: g))
                        let plain = x.activationBackward(f, output: y, gradient: g)
                        XCTAssertEqual(bits(result), bits(plain), "\(f) ×\(scale), \(isa)")
                        assertClose(received, g.sumOfSquares(), "\(f) ×\(scale) received")
                        assertClose(sent, plain.sumOfSquares(), "\(f) ×\(scale) sent")
                        XCTAssertGreaterThan(sent, 0)
                    }
                }
            }
            let x = Tensor<Float>.normal(shape: [64, 70], std: 2, using: &rng)
            var g = Tensor<Float>(repeating: 0.5, shape: [64, 70]).scalars
            g[100] = .infinity
            let withInfinity = try XCTUnwrap(x.activationBackwardSummed(.tanh, output: x.applying(.tanh), gradient: Tensor(shape: [64, 70], scalars: g)))
            XCTAssertEqual(withInfinity.gradientSquares, .infinity, "an ∞ shows in the sum")
            g[100] = .nan
            let withNaN = try XCTUnwrap(x.activationBackwardSummed(.tanh, output: x.applying(.tanh), gradient: Tensor(shape: [64, 70], scalars: g)))
            XCTAssertTrue(withNaN.gradientSquares.isNaN, "a NaN shows in the sum")
            XCTAssertTrue(withNaN.inputGradientSquares.isNaN)
        }
    }

    /// The backward kernel scales each 1024-value block from the block before it: a gradient
    /// whose size jumps by 10⁶ from block to block (1e-33 up to 1e33, a block of zeros between)
    /// still gives both sums within float rounding, whichever way the scale has to follow it.
    func testBackwardSquaresFollowAGradientWhoseSizeChangesFromBlockToBlock() throws {
        try atEveryISALevel { isa in
            var rng = RandomGenerator(seed: 14)
            let blocks = 12, width = 1024
            let x = Tensor<Float>.normal(shape: [blocks, width], std: 2, using: &rng)
            let unit = Tensor<Float>.normal(shape: [blocks, width], using: &rng).scalars
            for order in [1.0, -1.0] {
                let scalars = (0..<blocks * width).map { i -> Float in
                    let block = i / width
                    return block == 6 ? 0 : unit[i] * Float(pow(10, order * Double(-33 + 6 * block)))
                }
                let g = Tensor(shape: [blocks, width], scalars: scalars)
                for f in [Activation.sigmoid, .tanh, .relu] {
                    let y = x.applying(f)
                    let plain = x.activationBackward(f, output: y, gradient: g)
                    let summed = try XCTUnwrap(x.activationBackwardSummed(f, output: y, gradient: g))
                    XCTAssertEqual(bits(summed.inputGradient), bits(plain), "\(f), \(isa)")
                    assertClose(summed.gradientSquares, g.sumOfSquares(), "\(f) received, order \(order), \(isa)")
                    assertClose(summed.inputGradientSquares, plain.sumOfSquares(), "\(f) sent, order \(order), \(isa)")
                }
            }
        }
    }

    /// From 16 K elements each kernel runs in two halves on two threads: the same bits as the
    /// same kernels over pieces too small to be split, and the same sums within rounding.
    func testLargeArraysSplitInHalvesGiveTheSameResults() throws {
        try atEveryISALevel { isa in
            var rng = RandomGenerator(seed: 13)
            let n = 40_007
            let x = Tensor<Float>.normal(shape: [n], std: 3, using: &rng), g = Tensor<Float>.normal(shape: [n], using: &rng)
            func inPieces(_ t: Tensor<Float>, _ body: (Tensor<Float>) -> Tensor<Float>) -> [UInt32] {
                stride(from: 0, to: n, by: 10_000).flatMap { start in
                    body(Tensor(Array(t.scalars[start..<Swift.min(start + 10_000, n)]))).scalars.map(\.bitPattern)
                }
            }
            for f in [Activation.sigmoid, .tanh, .relu] {
                let y = x.applying(f)
                XCTAssertEqual(bits(y), inPieces(x) { $0.applying(f) }, "\(f) forward")
                let back = x.activationBackward(f, output: y, gradient: g)
                let pieces = stride(from: 0, to: n, by: 10_000).flatMap { start -> [UInt32] in
                    let r = start..<Swift.min(start + 10_000, n)
                    let (xp, yp, gp) = (Tensor(Array(x.scalars[r])), Tensor(Array(y.scalars[r])), Tensor(Array(g.scalars[r])))
                    return bits(xp.activationBackward(f, output: yp, gradient: gp))
                }
                XCTAssertEqual(bits(back), pieces, "\(f) backward")
                let (ys, input, output) = try XCTUnwrap(x.applyingSummarized(f))
                XCTAssertEqual(bits(ys), bits(y))
                assertClose(input.sum, x.outputSummary(nil).sum, "\(f) input sum")
                assertClose(output.sumOfSquares, y.outputSummary(f).sumOfSquares, "\(f) output squares")
                XCTAssertEqual(input.finite, n)
                let summed = try XCTUnwrap(x.activationBackwardSummed(f, output: y, gradient: g))
                XCTAssertEqual(bits(summed.inputGradient), bits(back))
                assertClose(summed.gradientSquares, g.sumOfSquares(), "\(f) received")
                assertClose(summed.inputGradientSquares, back.sumOfSquares(), "\(f) sent")
            }
        }
    }
}
