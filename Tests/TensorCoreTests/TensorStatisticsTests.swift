import TensorCore
import XCTest

/// The monitor's one-pass kernels (C, vectorised for Float) against plain Double loops.
final class TensorStatisticsTests: XCTestCase {
    func values(_ n: Int, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return Tensor<Float>.normal(shape: [n], using: &rng).scalars.map { $0 * 3 }
    }

    func testFiniteStatisticsSkipNaNAndInfinity() {
        for n in [0, 1, 7, 16, 33, 1000, 4097] {
            var v = values(n, seed: UInt64(n))
            if n > 3 { v[1] = .nan; v[n - 1] = .infinity; v[n / 2] = -.infinity }
            let finite = v.filter(\.isFinite).map(Double.init)
            let s = Tensor(v).finiteStatistics()
            XCTAssertEqual(s.finite, finite.count, "n = \(n)")
            XCTAssertEqual(s.sum, finite.reduce(0, +), accuracy: 1e-9 * Double(max(n, 1)), "n = \(n)")
            XCTAssertEqual(s.sumOfSquares, finite.reduce(0) { $0 + $1 * $1 }, accuracy: 1e-9 * Double(max(n, 1)), "n = \(n)")
            let d = Tensor(v.map(Double.init)).finiteStatistics()
            XCTAssertEqual(d.finite, s.finite)
            XCTAssertEqual(d.sumOfSquares, s.sumOfSquares, accuracy: 1e-9 * Double(max(n, 1)))
        }
    }

    func testHugeFiniteValuesDoNotOverflow() {
        let s = Tensor<Float>([3e20, -3e20, 1]).finiteStatistics()
        XCTAssertEqual(s.sumOfSquares, 1.8e41, accuracy: 1e35)
        XCTAssertEqual(Tensor<Float>([3e20, 4e20]).l2Norm(), 5e20, accuracy: 1e14)
        XCTAssertTrue(Tensor<Float>([1, .nan]).l2Norm().isNaN, "a NaN is never hidden by the norm")
    }

    func testDistanceEqualsTheNormOfTheDifference() {
        for n in [1, 5, 64, 1001] {
            let a = Tensor(values(n, seed: 1)), b = Tensor(values(n, seed: 2))
            XCTAssertEqual(a.distance(to: b), (a - b).l2Norm(), accuracy: 1e-9 * (a - b).l2Norm())
            XCTAssertEqual(a.distance(to: a), 0)
        }
    }

    func testOutputDerivativeStatisticsMatchTheFormulas() throws {
        let y = Tensor<Float>([0.001, 0.5, 0.999, 0.25, 0.9, 0.002, 0.7])
        let sigmoid = try XCTUnwrap(y.outputDerivativeStatistics(.sigmoid))
        XCTAssertEqual(sigmoid.flaggedFraction, 3.0 / 7.0, accuracy: 1e-12)
        XCTAssertEqual(sigmoid.meanDerivative, y.scalars.map { Double($0 * (1 - $0)) }.reduce(0, +) / 7, accuracy: 1e-7)
        let t = Tensor<Float>([-0.999, 0, 0.5, 0.996, -0.2])
        let tanh = try XCTUnwrap(t.outputDerivativeStatistics(.tanh))
        XCTAssertEqual(tanh.flaggedFraction, 2.0 / 5.0, accuracy: 1e-12)
        XCTAssertEqual(tanh.meanDerivative, t.scalars.map { Double(1 - $0 * $0) }.reduce(0, +) / 5, accuracy: 1e-7)
        let r = Tensor<Float>([0, 0, 1.5, 2, 0])
        XCTAssertEqual(r.outputDerivativeStatistics(.relu)?.meanDerivative, 0.4)
        XCTAssertNil(r.outputDerivativeStatistics(.gelu))
        // Float (C kernel) and Double (Swift loop) agree on a long input.
        let long = Tensor(values(5000, seed: 9).map { 1 / (1 + exp(-$0)) })
        let f = try XCTUnwrap(long.outputDerivativeStatistics(.sigmoid))
        let d = try XCTUnwrap(Tensor<Double>(long).outputDerivativeStatistics(.sigmoid))
        XCTAssertEqual(f.flaggedFraction, d.flaggedFraction)
        XCTAssertEqual(f.meanDerivative, d.meanDerivative, accuracy: 1e-7)
    }
}
