import Initializers
import TensorCore
import XCTest

final class InitializerTests: XCTestCase {
    func sample(_ initializer: Initializer, _ shape: [Int] = [256, 256], seed: UInt64 = 5) -> Tensor<Double> {
        var rng = RandomGenerator(seed: seed)
        return initializer.tensor(shape: shape, using: &rng)
    }

    func moments(_ t: Tensor<Double>) -> (mean: Double, std: Double) {
        let mean = t.meanAll()
        return (mean, (t - mean).squared().meanAll().squareRoot())
    }

    /// Sample std within 3 % of `std`, mean within 3 % of `std` of `mean`.
    func assertMoments(_ t: Tensor<Double>, mean: Double, std: Double, _ label: String, line: UInt = #line) {
        let m = moments(t)
        XCTAssertEqual(m.mean, mean, accuracy: 0.03 * std, "\(label) mean", line: line)
        XCTAssertEqual(m.std, std, accuracy: 0.03 * std, "\(label) std", line: line)
    }

    func assertBound(_ t: Tensor<Double>, _ bound: Double, _ label: String, line: UInt = #line) {
        XCTAssertLessThanOrEqual(t.scalars.map(Swift.abs).max()!, bound, label, line: line)
        XCTAssertGreaterThan(t.scalars.map(Swift.abs).max()!, 0.99 * bound, "\(label) fills its range", line: line)
    }

    func testCalculateGainTable() {
        XCTAssertEqual(Nonlinearity.linear.gain, 1)
        XCTAssertEqual(Nonlinearity.sigmoid.gain, 1)
        XCTAssertEqual(Nonlinearity.tanh.gain, 5.0 / 3.0)
        XCTAssertEqual(Nonlinearity.relu.gain, 2.0.squareRoot())
        XCTAssertEqual(Nonlinearity.leakyReLU().gain, (2 / (1 + 0.01 * 0.01)).squareRoot())
        XCTAssertEqual(Nonlinearity.selu.gain, 0.75)
        XCTAssertEqual(Nonlinearity(name: "conv2d"), .linear)
        XCTAssertEqual(Nonlinearity(name: "leaky_relu", negativeSlope: 0.2), .leakyReLU(negativeSlope: 0.2))
        XCTAssertNil(Nonlinearity(name: "swish"))
    }

    func testFans() {
        XCTAssertTrue(Initializer.fans(of: [50, 10]) == (10, 50))
        XCTAssertTrue(Initializer.fans(of: [8, 4, 3, 3]) == (36, 72))
    }

    func testUniformFamiliesHaveExactBoundsAndVariance() {
        let (fanIn, fanOut) = (256.0, 256.0)
        let xavier = (6 / (fanIn + fanOut)).squareRoot() * 2
        let t = sample(.xavierUniform(gain: 2))
        assertBound(t, xavier, "xavier_uniform")
        assertMoments(t, mean: 0, std: xavier / 3.0.squareRoot(), "xavier_uniform")

        let kaiming = 3.0.squareRoot() * 2.0.squareRoot() / fanIn.squareRoot()
        let k = sample(.kaimingUniform())  // PyTorch default: leaky_relu, a = 0 → gain √2
        assertBound(k, kaiming, "kaiming_uniform")
        assertMoments(k, mean: 0, std: kaiming / 3.0.squareRoot(), "kaiming_uniform")

        let d = sample(.pytorchLinearWeight)
        assertBound(d, 1 / fanIn.squareRoot(), "nn.Linear default weight")
        let b = sample(.pytorchLinearBias(fanIn: 256), [256])
        XCTAssertLessThanOrEqual(b.scalars.map(Swift.abs).max()!, 1 / 16)

        let u = sample(.uniform(low: -0.3, high: 0.1))
        XCTAssertGreaterThanOrEqual(u.scalars.min()!, -0.3)
        XCTAssertLessThan(u.scalars.max()!, 0.1)
        assertMoments(u, mean: -0.1, std: 0.4 / 12.0.squareRoot(), "uniform")
    }

    func testNormalFamiliesHaveTheirStd() {
        assertMoments(sample(.normal(mean: 0.5, std: 0.05)), mean: 0.5, std: 0.05, "normal")
        assertMoments(sample(.xavierNormal(gain: 1.5)), mean: 0, std: 1.5 * (2.0 / 512).squareRoot(), "xavier_normal")
        assertMoments(sample(.kaimingNormal(mode: .fanOut, nonlinearity: .relu), [128, 512]),
                      mean: 0, std: 2.0.squareRoot() / 128.0.squareRoot(), "kaiming_normal fan_out")
        assertMoments(sample(.kaimingNormal(mode: .fanIn, nonlinearity: .tanh), [128, 512]),
                      mean: 0, std: (5.0 / 3.0) / 512.0.squareRoot(), "kaiming_normal fan_in tanh")
        assertMoments(sample(.lecunNormal, [128, 512]), mean: 0, std: 1 / 512.0.squareRoot(), "lecun_normal")
        let lecunUniform = sample(.lecunUniform, [128, 512])
        assertMoments(lecunUniform, mean: 0, std: 1 / 512.0.squareRoot(), "lecun_uniform")
        XCTAssertLessThanOrEqual(lecunUniform.abs().maxAll(), (3 / 512.0).squareRoot(), "lecun_uniform stays within ±√(3/fan_in)")
    }

    func testConstantsAndZeros() {
        XCTAssertTrue(sample(.zeros, [3, 4]).scalars.allSatisfy { $0 == 0 })
        XCTAssertTrue(sample(.constant(0.25), [3, 4]).scalars.allSatisfy { $0 == 0.25 })
    }

    func testOrthogonalIsOrthogonalTimesGain() {
        for shape in [[64, 64], [80, 30], [30, 80]] {
            let gain = 1.7
            let w = sample(.orthogonal(gain: gain), shape)
            // The smaller Gram matrix is gain²·I.
            let gram = shape[0] >= shape[1] ? Tensor.matmul(w, w, transposeA: true) : Tensor.matmul(w, w, transposeB: true)
            let n = gram.shape[0]
            for i in 0..<n { for j in 0..<n {
                XCTAssertEqual(gram[i, j], i == j ? gain * gain : 0, accuracy: 1e-9, "\(shape) (\(i), \(j))")
            } }
        }
    }

    func testSameSeedSameTensor() {
        for initializer: Initializer in [.normal(), .xavierUniform(), .kaimingNormal(), .orthogonal(), .pytorchLinearWeight] {
            XCTAssertEqual(sample(initializer, [16, 8], seed: 9), sample(initializer, [16, 8], seed: 9))
            XCTAssertNotEqual(sample(initializer, [16, 8], seed: 9), sample(initializer, [16, 8], seed: 10))
        }
    }
}
