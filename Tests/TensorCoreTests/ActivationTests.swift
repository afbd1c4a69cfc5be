import TensorCore
import XCTest

final class ActivationTests: XCTestCase {
    static let all: [Activation] = [
        .identity, .sigmoid, .tanh, .relu, .leakyReLU(negativeSlope: 0.2), .elu(alpha: 0.7),
        .selu, .gelu, .softsign, .softplus,
    ]

    func testDerivativesMatchCentralDifferences() {
        let points: [Double] = [-25, -3.1, -0.7, -0.01, 0.013, 0.4, 1.9, 22]
        for f in Self.all {
            for x in points {
                let h = 1e-6
                let numeric = (f.value(x + h) - f.value(x - h)) / (2 * h)
                let analytic = f.derivative(x: x, y: f.value(x))
                XCTAssertEqual(analytic, numeric, accuracy: 1e-7 * Swift.max(1, Swift.abs(numeric)), "\(f) at \(x)")
                XCTAssertLessThanOrEqual(Swift.abs(analytic), f.derivativeBound + 1e-9, "\(f) bound at \(x)")
            }
        }
    }

    func testKnownValuesMatchPyTorch() {
        XCTAssertEqual(Activation.gelu.value(1.0), 0.8413447460685429, accuracy: 1e-15)
        XCTAssertEqual(Activation.selu.value(-1.0), -1.1113307378125628, accuracy: 1e-15)
        XCTAssertEqual(Activation.softplus.value(1.0), 1.3132616875182228, accuracy: 1e-15)
        XCTAssertEqual(Activation.softplus.value(30.0), 30)
        XCTAssertEqual(Activation.sigmoid.value(-800.0), 0)
        XCTAssertEqual(Activation.sigmoid.value(Float(800)), 1)
        XCTAssertEqual(Activation.leakyReLU(negativeSlope: 0.01).value(-2.0), -0.02)
        XCTAssertEqual(Activation.relu.derivative(x: 0.0, y: 0), 0)
    }

    func testTensorPathsAgreeWithScalarDefinitions() {
        let x = Tensor<Double>([-3, -0.5, 0.25, 4])
        for f in Self.all {
            let y = x.applying(f)
            XCTAssertEqual(y.scalars, x.scalars.map { f.value($0) }, "\(f)")
            let d = x.activationDerivative(f, output: y)
            for i in 0..<x.count {
                XCTAssertEqual(d.scalars[i], f.derivative(x: x.scalars[i], y: y.scalars[i]), accuracy: 1e-15, "\(f)")
            }
        }
    }

    /// ReLU follows PyTorch (torch.relu, threshold_backward) where the plain formula leaves a
    /// choice: relu(NaN) = NaN, relu(−0) = −0, and the derivative is 1 at NaN, 0 at ±0.
    func testReLUMatchesPyTorchAtNaNAndSignedZero() {
        let relu = Activation.relu
        XCTAssertTrue(relu.value(Float.nan).isNaN, "a NaN is not hidden")
        XCTAssertEqual(relu.value(Float(-0.0)).bitPattern, Float(-0.0).bitPattern)
        XCTAssertEqual(relu.value(Float(-2)), 0)
        XCTAssertEqual(relu.derivative(x: Float.nan, y: .nan), 1)
        XCTAssertEqual(relu.derivative(x: Float(-0.0), y: 0), 0)
        XCTAssertEqual(relu.derivative(x: Float(0), y: 0), 0)
        let x = Tensor<Float>([.nan, -0.0, 0, -1, 2, .infinity, -.infinity] + [Float](repeating: .nan, count: 40))
        let y = x.applying(.relu)
        XCTAssertTrue(y.scalars[0].isNaN && y.scalars[7].isNaN)
        XCTAssertEqual(Array(y.scalars[1...6]).map(\.bitPattern), [Float(-0.0), 0, 0, 2, .infinity, 0].map(\.bitPattern))
        let g = x.activationBackward(.relu, output: y, gradient: Tensor(repeating: 1, shape: x.shape))
        XCTAssertEqual(Array(g.scalars[0...6]), [1, 0, 0, 0, 1, 1, 0], "PyTorch: [1, 0, 0, 0, 1, 1, 0]")
        // threshold_backward chooses: an off unit passes 0 even for an infinite gradient; PyTorch
        // gives [0, inf, -3, 0] for x = [-1, 2, NaN, -0] and these gradients.
        let x4 = Tensor<Float>([-1, 2, .nan, -0.0] + [Float](repeating: -1, count: 40))
        let g4 = Tensor<Float>([.infinity, .infinity, -3, -5] + [Float](repeating: .infinity, count: 40))
        for t in [x4, Tensor<Float>(Array(x4.scalars.prefix(4)))] {  // the vector loop and the scalar tail
            let back = t.activationBackward(.relu, output: t.applying(.relu), gradient: Tensor(Array(g4.scalars.prefix(t.count))))
            XCTAssertEqual(Array(back.scalars.prefix(4)).map(\.bitPattern), [Float(0), .infinity, -3, 0].map(\.bitPattern))
            XCTAssertTrue(back.scalars.dropFirst(4).allSatisfy { $0 == 0 })
            let summed = try! XCTUnwrap(t.activationBackwardSummed(.relu, output: t.applying(.relu), gradient: Tensor(Array(g4.scalars.prefix(t.count)))))
            XCTAssertEqual(summed.inputGradient.scalars.map(\.bitPattern), back.scalars.map(\.bitPattern))
        }
        let xd = Tensor<Double>([-1, 2, .nan, -0.0])
        XCTAssertEqual(xd.activationBackward(.relu, output: xd.applying(.relu), gradient: Tensor([.infinity, .infinity, -3, -5])).scalars.map(\.bitPattern),
                       [Double(0), .infinity, -3, 0].map(\.bitPattern), "Double takes the same rule")
    }

    /// Float's ReLU runs a C kernel at every instruction set this CPU has: the scalar rule's
    /// bits, −0, ±∞, NaN and a ragged length included.
    func testFloatReLUKernelIsTheScalarRule() {
        var rng = RandomGenerator(seed: 2)
        let values = Tensor<Float>.normal(shape: [1037], using: &rng).scalars + [-0.0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude]
        let x = Tensor(values)
        for level in availableVectorISALevels {
            let y = withVectorISALevel(level) { x.applying(.relu) }
            XCTAssertEqual(y.scalars.map(\.bitPattern), values.map { Activation.relu.value($0).bitPattern }, "ISA level \(level)")
        }
    }

    /// The one-pass backward (a C kernel for Float's sigmoid, tanh and ReLU, at every
    /// instruction set this CPU has) gives the same bits as the two-pass rule (g ⊙ f′; ReLU's
    /// choice x ≤ 0 ? 0 : g); ragged length.
    func testActivationBackwardIsTheProductWithTheDerivative() {
        var rng = RandomGenerator(seed: 12)
        let x = Tensor<Float>.normal(shape: [7, 37], std: 3, using: &rng)
        let g = Tensor<Float>.normal(shape: [7, 37], using: &rng)
        for f: Activation in [.sigmoid, .tanh, .relu, .gelu] {
            let y = x.applying(f)
            let expected = (f == .relu ? Tensor.where(x.greater(0), g, Tensor(zeros: g.shape)) : g * x.activationDerivative(f, output: y))
                .scalars.map(\.bitPattern)
            for level in availableVectorISALevels {
                withVectorISALevel(level) {
                    XCTAssertEqual(x.activationBackward(f, output: y, gradient: g).scalars.map(\.bitPattern), expected, "\(f.name) ISA \(level)")
                }
            }
        }
    }
}
