import Autodiff
import Foundation
import Initializers
import Layers
import TensorCore
import XCTest

final class RecurrentLayerTests: XCTestCase {
    static let (batch, steps, inputSize, hidden) = (3, 6, 4, 5)

    func makeLayer<S: TensorScalar>(
        _ cell: RecurrentCell, sequences: Bool = false, recurrent: Initializer? = nil, seed: UInt64 = 3
    ) -> RecurrentLayer<S> {
        var rng = RandomGenerator(seed: seed)
        // Larger than PyTorch's U(±1/√5) so every gate works in its non-linear range.
        let wide = Initializer.uniform(low: -0.8, high: 0.8)
        switch cell {
        case .rnn(let f):
            return RNN(Self.inputSize, Self.hidden, nonlinearity: f, returnsSequences: sequences, inputWeightInitializer: wide,
                       recurrentWeightInitializer: recurrent ?? wide, biasInitializer: wide, using: &rng)
        case .lstm:
            return LSTM(Self.inputSize, Self.hidden, returnsSequences: sequences, inputWeightInitializer: wide,
                        recurrentWeightInitializer: recurrent ?? wide, biasInitializer: wide, using: &rng)
        case .gru:
            return GRU(Self.inputSize, Self.hidden, returnsSequences: sequences, inputWeightInitializer: wide,
                       recurrentWeightInitializer: recurrent ?? wide, biasInitializer: wide, using: &rng)
        }
    }

    func sequence<S: TensorScalar>(seed: UInt64 = 1, requiresGrad: Bool = true) -> Variable<S> {
        var rng = RandomGenerator(seed: seed)
        return Variable(Tensor<S>.normal(shape: [Self.batch, Self.steps, Self.inputSize], using: &rng), requiresGrad: requiresGrad)
    }

    static let cells: [RecurrentCell] = [.rnn(nonlinearity: .tanh), .rnn(nonlinearity: .relu), .lstm, .gru]

    /// Back-propagation through time against central differences over 6 steps, for the input
    /// and all four parameters, with the last step's output and with the whole sequence.
    func testGradientsMatchFiniteDifferences() {
        for cell in Self.cells {
            for sequences in [false, true] {
                let layer: RecurrentLayer<Double> = makeLayer(cell, sequences: sequences)
                let x: Variable<Double> = sequence()
                let leaves = [x] + layer.parameters
                for (leaf, r) in zip(["x", "weight_ih", "weight_hh", "bias_ih", "bias_hh"], GradientCheck.check(leaves, { layer(x) })) {
                    XCTAssertLessThan(r.relativeError, 1e-6, "\(cell) sequences=\(sequences) \(leaf)")
                    XCTAssertGreaterThan(r.analytic.l2Norm(), 1e-3, "\(cell) \(leaf): gradient should not be trivially zero")
                }
            }
        }
    }

    func testCheckerCatchesAStepShortRecurrence() {
        // The last step of the sequence output must equal the last-step output, so a kernel that
        // dropped or repeated a step could not pass both this and the gradient check.
        for cell in Self.cells {
            let last: RecurrentLayer<Double> = makeLayer(cell)
            let all: RecurrentLayer<Double> = makeLayer(cell, sequences: true)
            let x: Variable<Double> = sequence(requiresGrad: false)
            let full = all(x).value
            XCTAssertEqual(full.shape, [Self.batch, Self.steps, Self.hidden])
            XCTAssertEqual(full.slice(axis: 1, Self.steps - 1 ..< Self.steps).reshaped([Self.batch, Self.hidden]), last(x).value)
            let early = Variable(x.value.slice(axis: 1, 0..<3))
            XCTAssertEqual(full.slice(axis: 1, 2..<3).reshaped([Self.batch, Self.hidden]), last(early).value, "\(cell)")
        }
    }

    /// The Float path (CKernels' cell kernels and small GEMM, at every instruction set this CPU
    /// has) against the Double path (Swift loops and BLAS), at the tests' small size, at one
    /// whose gate width spans several GEMM panels with a ragged last one and whose backward
    /// product runs over more than one slice of k (hidden 37: 4 · 37 = 148 > 128), and at one
    /// large enough for blocks of the batch to run on either thread, the last block shorter
    /// (`RecurrentKernel.overBatchRows`, wherever the panel kernel runs: batch 20 = 8 + 8 + 4),
    /// outputs, gradients and ‖∂L/∂h_t‖ alike.
    func testFloatKernelsAgreeWithDouble() {
        for (batch, hidden) in [(Self.batch, Self.hidden), (6, 37), (20, 64)] {
            for cell in Self.cells {
                var rng = RandomGenerator(seed: 5)
                let scale = Initializer.uniform(low: -0.8 / Double(hidden).squareRoot() * 2, high: 0.8 / Double(hidden).squareRoot() * 2)
                let weights = rng
                func layer<S: TensorScalar>(_: S.Type) -> RecurrentLayer<S> {
                    var copy = weights
                    return RecurrentLayer(
                        cell: cell, inputSize: Self.inputSize, hiddenSize: hidden, bias: true, returnsSequences: true,
                        inputWeightInitializer: scale, recurrentWeightInitializer: scale, biasInitializer: scale, using: &copy)
                }
                let d = layer(Double.self)
                let x = Tensor<Double>.normal(shape: [batch, Self.steps, Self.inputSize], using: &rng)
                let xd = Variable(x, requiresGrad: true)
                let yd = d(xd)
                yd.sum().backward()
                for level in availableVectorISALevels {
                    withVectorISALevel(level) {
                        let f = layer(Float.self)
                        let xf = Variable(Tensor<Float>(x), requiresGrad: true)
                        let yf = f(xf)
                        XCTAssertLessThan((Tensor<Double>(yf.value) - yd.value).abs().maxAll(), 1e-5, "\(cell) hidden \(hidden) ISA \(level)")
                        yf.sum().backward()
                        for (pd, pf) in zip([xd] + d.parameters, [xf] + f.parameters) {
                            let scale = Swift.max(1, pd.grad!.abs().maxAll())
                            XCTAssertLessThan((Tensor<Double>(pf.grad!) - pd.grad!).abs().maxAll() / scale, 1e-4,
                                              "\(cell) hidden \(hidden) ISA \(level)")
                        }
                        XCTAssertEqual(f.hiddenGradientNorms.count, Self.steps)
                        for (nf, nd) in zip(f.hiddenGradientNorms, d.hiddenGradientNorms) {
                            XCTAssertEqual(nf, nd, accuracy: 1e-5 * Swift.max(1, nd), "‖∂L/∂h_t‖, \(cell) hidden \(hidden) ISA \(level)")
                        }
                    }
                }
            }
        }
    }

    func testHiddenGradientNormsShowVanishingThroughTime() {
        // A small recurrent weight (orthogonal, gain 0.1) shrinks ∂L/∂h_t by about 10× per step.
        let layer: RecurrentLayer<Double> = makeLayer(.rnn(nonlinearity: .tanh), recurrent: .orthogonal(gain: 0.1))
        XCTAssertEqual(layer.hiddenGradientNorms, [])
        let x: Variable<Double> = sequence(requiresGrad: false)
        let out = layer(x)
        let seed = Tensor<Double>(repeating: 1, shape: out.shape)
        out.backward(seed: seed)
        let norms = layer.hiddenGradientNorms
        XCTAssertEqual(norms.count, Self.steps)
        XCTAssertEqual(norms.last!, seed.l2Norm(), accuracy: 1e-12, "the last step's gradient is the output's")
        for t in 1..<Self.steps { XCTAssertLessThan(norms[t - 1], norms[t] * 0.15, "step \(t)") }
        // With PyTorch's default init the LSTM carries the gradient far better.
        let lstm: RecurrentLayer<Double> = makeLayer(.lstm, recurrent: .orthogonal(gain: 1))
        lstm(x).sum().backward()
        XCTAssertGreaterThan(lstm.hiddenGradientNorms[0], norms[0] * 100)
    }

    func testNamesShapesAndSummary() {
        var rng = RandomGenerator(seed: 1)
        let model = Sequential<Float>([LSTM(3, 7, using: &rng), Linear(7, 2, using: &rng)])
        XCTAssertEqual(model.namedParameters().map(\.name),
                       ["0.weight_ih_l0", "0.weight_hh_l0", "0.bias_ih_l0", "0.bias_hh_l0", "1.weight", "1.bias"])
        XCTAssertEqual(model.namedParameters().map(\.variable.shape), [[28, 3], [28, 7], [28], [28], [2, 7], [2]])
        let bound = Float(1 / 7.0.squareRoot())
        XCTAssertLessThanOrEqual(model.parameters[1].value.abs().maxAll(), bound, "PyTorch's U(±1/√hidden)")
        XCTAssertEqual(try model.outputShape(for: [4, 9, 3]), [4, 2])
        XCTAssertEqual(GRU<Float>(3, 4, returnsSequences: true, using: &rng).summary, "GRU(3 → 4, sequences)")
        XCTAssertEqual(RNN<Float>(3, 4, nonlinearity: .relu, bias: false, using: &rng).namedParameters().map(\.name),
                       ["weight_ih_l0", "weight_hh_l0"])
    }

    func testWrongInputShapeIsAShapeError() {
        var rng = RandomGenerator(seed: 1)
        let gru = GRU<Float>(3, 4, using: &rng)
        XCTAssertThrowsError(try gru.outputShape(for: [5, 3])) { error in
            XCTAssertTrue("\(error)".contains("input must be [batch, steps, 3]"), "\(error)")
        }
        XCTAssertThrowsError(try gru.outputShape(for: [5, 2, 4]))
        XCTAssertThrowsError(try gru.outputShape(for: [5, 0, 3]))
    }
}
