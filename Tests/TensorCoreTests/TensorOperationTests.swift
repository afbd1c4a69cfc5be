import TensorCore
import XCTest

final class TensorOperationTests: XCTestCase {
    func naiveMatmul(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Tensor<Double> {
        var out = Tensor<Double>(zeros: [a.shape[0], b.shape[1]])
        for i in 0..<a.shape[0] { for j in 0..<b.shape[1] { for k in 0..<a.shape[1] {
            out[i, j] += a[i, k] * b[k, j]
        } } }
        return out
    }

    func testMatmulWithEveryTransposeMatchesNaive() {
        var rng = RandomGenerator(seed: 1)
        let a = Tensor<Double>.normal(shape: [3, 5], using: &rng)
        let b = Tensor<Double>.normal(shape: [5, 4], using: &rng)
        let expected = naiveMatmul(a, b)
        let variants = [
            Tensor.matmul(a, b),
            Tensor.matmul(a.transposed(), b, transposeA: true),
            Tensor.matmul(a, b.transposed(), transposeB: true),
            Tensor.matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true),
        ]
        for v in variants {
            XCTAssertEqual(v.shape, [3, 4])
            for (x, y) in zip(v.scalars, expected.scalars) { XCTAssertEqual(x, y, accuracy: 1e-12) }
        }
        let f = Tensor.matmul(Tensor<Float>(a), Tensor<Float>(b))
        for (x, y) in zip(f.scalars, expected.scalars) { XCTAssertEqual(Double(x), y, accuracy: 1e-5) }
    }

    func testMatmulShapeErrorNamesBothShapes() {
        XCTAssertThrowsError(try Tensor<Float>.matmulDimensions([2, 3], [4, 5])) { error in
            XCTAssertEqual("\(error)", "matmul: shape mismatch between [2, 3] and [4, 5]: inner dimensions differ (3 vs 4)")
        }
        XCTAssertThrowsError(try Tensor<Float>.matmulDimensions([2, 3, 1], [3, 5]))
        XCTAssertEqual(try Tensor<Float>.matmulDimensions([2, 3], [5, 3], transposeB: true).n, 5)
    }

    func testSoftmaxIsStableForHugeLogits() {
        let logits = Tensor<Float>(shape: [2, 3], scalars: [100, -100, 0, 1000, 1000, -1000])
        let lsm = logits.logSoftmax()
        XCTAssertTrue(lsm.isFinite)
        XCTAssertEqual(lsm[0, 0], 0, accuracy: 1e-6)
        XCTAssertEqual(lsm[0, 1], -200, accuracy: 1e-3)
        XCTAssertEqual(lsm[1, 0], -Float.log(2), accuracy: 1e-6)
        let sm = logits.softmax()
        XCTAssertEqual(sm.sum(alongAxes: [1]).scalars[0], 1, accuracy: 1e-6)
        XCTAssertEqual(sm.sum(alongAxes: [1]).scalars[1], 1, accuracy: 1e-6)
    }

    func testReductionsOverAxes() {
        let t = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(t.sum(alongAxes: [0]).scalars, [5, 7, 9])
        XCTAssertEqual(t.sum(alongAxes: [1]).scalars, [6, 15])
        XCTAssertEqual(t.sum(alongAxes: [-1], keepingDims: true).shape, [2, 1])
        XCTAssertEqual(t.mean(alongAxes: [0, 1]).scalar, 3.5)
        XCTAssertEqual(t.maxAlongLastAxis().scalars, [3, 6])
        XCTAssertEqual(t.l2Norm(), (91.0).squareRoot(), accuracy: 1e-12)
    }

    func testFloatNormOfHugeFiniteValuesIsFinite() {
        // Squares overflow Float above 1.8e19; the norm is accumulated in Double.
        let big = Tensor<Float>(repeating: 1e30, shape: [4099])
        XCTAssertEqual(big.l2Norm() / (1e30 * Double(4099).squareRoot()), 1, accuracy: 1e-6)
        XCTAssertEqual(Tensor<Float>((1...7).map(Float.init)).l2Norm(), 140.0.squareRoot(), accuracy: 1e-9)
        XCTAssertTrue(Tensor<Float>([1, .nan]).l2Norm().isNaN)
    }

    func testShapeOperations() {
        let t = Tensor<Double>(shape: [2, 3, 4], scalars: (0..<24).map(Double.init))
        let p = t.permuted([2, 0, 1])
        XCTAssertEqual(p.shape, [4, 2, 3])
        XCTAssertEqual(p[3, 1, 2], t[1, 2, 3])
        XCTAssertEqual(t.transposed()[1, 3, 2], t[1, 2, 3])
        XCTAssertEqual(t.reshaped([6, -1]).shape, [6, 4])
        let parts = [t.slice(axis: 1, 0..<1), t.slice(axis: 1, 1..<3)]
        XCTAssertEqual(parts[1].shape, [2, 2, 4])
        XCTAssertEqual(parts[1][1, 0, 2], t[1, 1, 2])
        XCTAssertEqual(Tensor.concatenate(parts, axis: 1), t)
        XCTAssertEqual(Tensor.concatenate([t.slice(axis: -1, 0..<3), t.slice(axis: -1, 3..<4)], axis: -1), t)
    }

    func testElementwiseMathComparisonsAndWhere() {
        let t = Tensor<Double>([-2, -0.5, 0.5, 2])
        XCTAssertEqual(t.abs().scalars, [2, 0.5, 0.5, 2])
        XCTAssertEqual(t.clamped(min: -1, max: 1).scalars, [-1, -0.5, 0.5, 1])
        XCTAssertEqual(t.greater(0).scalars, [0, 0, 1, 1])
        XCTAssertEqual(t.less(Tensor([0, 0, 1, 1])).scalars, [1, 1, 1, 0])
        XCTAssertEqual(Tensor.where(t.greater(0), t, Tensor(0.0)).scalars, [0, 0, 0.5, 2])
        XCTAssertEqual(t.abs().sqrt().squared().scalars[3], 2, accuracy: 1e-12)
        XCTAssertEqual(t.pow(3).scalars, [-8, -0.125, 0.125, 8])
        XCTAssertEqual(t.exp().log().scalars[0], -2, accuracy: 1e-12)
        XCTAssertFalse(Tensor<Float>([1, .nan]).isFinite)
    }
}
