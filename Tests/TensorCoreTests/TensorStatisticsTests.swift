import TensorCore
import XCTest

/// The monitor's one-pass kernels (C, vectorised for Float) against plain Double loops, at every
/// instruction-set level this CPU has (each level is its own variant of the kernels).
final class TensorStatisticsTests: XCTestCase {

    func values(_ n: Int, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return Tensor<Float>.normal(shape: [n], using: &rng).scalars.map { $0 * 3 }
    }

    func testFiniteStatisticsSkipNaNAndInfinity() {
        atEveryISALevel { isa in
            for n in [0, 1, 7, 16, 33, 1000, 4097] {
                var v = values(n, seed: UInt64(n))
                if n > 3 { v[1] = .nan; v[n - 1] = .infinity; v[n / 2] = -.infinity }
                let finite = v.filter(\.isFinite).map(Double.init)
                let s = Tensor(v).finiteStatistics()
                // Float blocks summed in double: within 1e-6 of the magnitudes summed.
                let magnitude = finite.reduce(0) { $0 + abs($1) }, squares = finite.reduce(0) { $0 + $1 * $1 }
                XCTAssertEqual(s.finite, finite.count, "n = \(n), \(isa)")
                XCTAssertEqual(s.sum, finite.reduce(0, +), accuracy: 1e-6 * magnitude, "n = \(n), \(isa)")
                XCTAssertEqual(s.sumOfSquares, squares, accuracy: 1e-6 * squares, "n = \(n), \(isa)")
                let d = Tensor(v.map(Double.init)).finiteStatistics()
                XCTAssertEqual(d.finite, s.finite)
                XCTAssertEqual(d.sumOfSquares, s.sumOfSquares, accuracy: 1e-6 * squares)
                XCTAssertEqual(Tensor(v.filter(\.isFinite)).l2Norm(), squares.squareRoot(), accuracy: 1e-9 * squares.squareRoot())
            }
        }
    }

    /// A block whose float sums would overflow, or lose small terms, is summed in double: values
    /// from 1e-30 to 1e30, in blocks of their own and mixed with ordinary ones, give the double sums.
    func testBlocksOutOfFloatRangeAreSummedInDouble() {
        atEveryISALevel { isa in
            var rng = RandomGenerator(seed: 4)
            let ordinary = Tensor<Float>.normal(shape: [3000], using: &rng).scalars
            for scale in [Float(1e-30), 1e-22, 1e-12, 1, 1e12, 1e22, 1e30] {
                for v in [ordinary.map { $0 * scale }, ordinary.enumerated().map { $0.offset % 1500 < 1024 ? $0.element * scale : $0.element }] {
                    let exact = v.map { Double($0) * Double($0) }.reduce(0, +)
                    let sum = v.map(Double.init).reduce(0, +), magnitude = v.map { abs(Double($0)) }.reduce(0, +)
                    let s = Tensor(v).finiteStatistics()
                    XCTAssertEqual(s.sumOfSquares, exact, accuracy: 1e-6 * exact, "scale \(scale), \(isa)")
                    XCTAssertEqual(s.sum, sum, accuracy: 1e-6 * magnitude, "scale \(scale), \(isa)")
                    XCTAssertEqual(Tensor(v).l2Norm(), exact.squareRoot(), accuracy: 1e-9 * exact.squareRoot(), "scale \(scale), \(isa)")
                    XCTAssertGreaterThan(exact, 0)
                }
            }
            XCTAssertEqual(Tensor<Float>(zeros: [5000]).l2Norm(), 0)
            XCTAssertEqual(Tensor<Float>([Float](repeating: 0, count: 2000) + [.infinity]).l2Norm(), .infinity)
        }
    }

    func testOutputSummaryIsBothStatisticsInOnePass() throws {
        try atEveryISALevel { isa in
            var rng = RandomGenerator(seed: 6)
            let z = Tensor<Float>.normal(shape: [2500], std: 3, using: &rng)
            for activation in [Activation.sigmoid, .tanh, .relu] {
                var y = z.applying(activation)
                if activation == .tanh { y = Tensor(y.scalars.enumerated().map { $0.offset == 7 ? .nan : $0.element }) }
                let summary = y.outputSummary(activation)
                let stats = y.finiteStatistics()
                XCTAssertEqual(summary.finite, stats.finite, "\(activation), \(isa)")
                XCTAssertEqual(summary.sum, stats.sum, accuracy: 1e-9 * abs(stats.sum) + 1e-9, "\(activation), \(isa)")
                XCTAssertEqual(summary.sumOfSquares, stats.sumOfSquares, accuracy: 1e-9 * stats.sumOfSquares, "\(activation), \(isa)")
                let derivative = try XCTUnwrap(summary.derivative), d = try XCTUnwrap(Tensor<Double>(y).outputDerivativeStatistics(activation))
                XCTAssertEqual(derivative.flaggedFraction, d.flaggedFraction, "\(activation), \(isa)")
                if activation == .tanh {
                    XCTAssertTrue(derivative.meanDerivative.isNaN, "a NaN output makes the mean derivative NaN, as in Double")
                } else {
                    XCTAssertEqual(derivative.meanDerivative, d.meanDerivative, accuracy: 1e-6, "\(activation), \(isa)")
                }
            }
            XCTAssertNil(z.outputSummary(.gelu).derivative)
            XCTAssertNil(z.outputSummary(nil).derivative)
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
        try atEveryISALevel { isa in
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
}
