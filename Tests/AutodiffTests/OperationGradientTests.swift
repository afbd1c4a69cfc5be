import Autodiff
import TensorCore
import XCTest

final class OperationGradientTests: XCTestCase {
    func testArithmeticWithBroadcasting() {
        let cases: [([Int], [Int])] = [([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([2, 3], [])]
        for (sa, sb) in cases {
            let v = leaves(sa, sb)
            let (a, b) = (v[0], v[1])
            assertGradientsMatch(v, "add \(sa) \(sb)") { a + b }
            assertGradientsMatch(v, "subtract \(sa) \(sb)") { a - b }
            assertGradientsMatch(v, "multiply \(sa) \(sb)") { a * b }
        }
        let p = leaves([3, 4], [4], positive: true)
        assertGradientsMatch(p, "divide") { p[0] / p[1] }
        assertGradientsMatch(p, "divide reversed") { p[1] / p[0] }
    }

    func testScalarOperations() {
        let v = leaves([2, 3])
        let x = v[0]
        assertGradientsMatch(v, "scalar ops") { ((x + 1.5) * 2 - 0.5) / 3 }
        assertGradientsMatch(v, "scalar left") { 2 - (-x) * 0.5 }
    }

    func testMatmulWithEveryTranspose() {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let v = leaves(ta ? [5, 3] : [3, 5], tb ? [4, 5] : [5, 4])
            assertGradientsMatch(v, "matmul \(ta) \(tb)") { Variable.matmul(v[0], v[1], transposeA: ta, transposeB: tb) }
        }
    }

    func testFusedLinear() {
        let v = leaves([6, 5], [3, 5], [3])
        assertGradientsMatch(v, "linear") { Variable.linear(v[0], weight: v[1], bias: v[2]) }
        let w = leaves([6, 5], [3, 5])
        assertGradientsMatch(w, "linear without bias") { Variable.linear(w[0], weight: w[1], bias: nil) }
    }

    func testEveryActivation() {
        let all: [Activation] = [.identity, .sigmoid, .tanh, .relu, .leakyReLU(negativeSlope: 0.1), .elu(alpha: 1.3),
                                 .selu, .gelu, .softsign, .softplus]
        for f in all {
            let v = leaves([4, 5], seed: 11)
            assertGradientsMatch(v, f.name) { (v[0] * 3).applying(f) }
        }
    }

    func testElementwiseMath() {
        let p = leaves([3, 4], positive: true)
        let x = p[0]
        assertGradientsMatch(p, "exp") { x.exp() }
        assertGradientsMatch(p, "log") { x.log() }
        assertGradientsMatch(p, "sqrt") { x.sqrt() }
        assertGradientsMatch(p, "pow 2.5") { x.pow(2.5) }
        let v = leaves([3, 4])
        assertGradientsMatch(v, "pow 3 of negatives") { v[0].pow(3) }
        assertGradientsMatch(v, "squared") { v[0].squared() }
        assertGradientsMatch(v, "abs") { v[0].abs() }
        assertGradientsMatch(v, "clamp") { v[0].clamped(min: -0.5, max: 0.7) }
    }

    func testReductionsAndSoftmax() {
        let v = leaves([2, 3, 4])
        let x = v[0]
        assertGradientsMatch(v, "sum") { x.sum() }
        assertGradientsMatch(v, "mean") { x.mean() }
        assertGradientsMatch(v, "sum axes") { x.sum(alongAxes: [0, 2]) }
        assertGradientsMatch(v, "mean axis keepdims") { x.mean(alongAxes: [1], keepingDims: true) }
        assertGradientsMatch(v, "logSoftmax") { x.logSoftmax() }
        assertGradientsMatch(v, "softmax") { x.softmax() }
    }

    func testShapeOperations() {
        let v = leaves([2, 3, 4])
        let x = v[0]
        assertGradientsMatch(v, "reshape") { x.reshaped([6, 4]) }
        assertGradientsMatch(v, "permute") { x.permuted([2, 0, 1]) }
        assertGradientsMatch(v, "transpose") { x.transposed() }
        assertGradientsMatch(v, "slice") { x.slice(axis: 1, 1..<3) }
        let w = leaves([2, 3], [2, 5])
        assertGradientsMatch(w, "concatenate") { Variable.concatenate([w[0], w[1], w[0]], axis: 1) }
    }

    func testWhereRoutesGradientsByMask() {
        let v = leaves([3, 4], [4])
        let mask = v[0].value.greater(0)
        assertGradientsMatch(v, "where") { Variable.where(mask, v[0], v[1]) }
    }
}
