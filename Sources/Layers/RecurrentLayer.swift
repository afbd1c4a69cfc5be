import Autodiff
import Initializers
import TensorCore

/// A single-layer recurrent network over batch-first sequences `[batch, steps, input]`, with
/// PyTorch's parameter layout and names: `weight_ih_l0` `[gates·hidden, input]`,
/// `weight_hh_l0` `[gates·hidden, hidden]`, `bias_ih_l0`, `bias_hh_l0` `[gates·hidden]`, gate
/// blocks stacked in PyTorch's order (LSTM i, f, g, o; GRU r, z, n). The initial state is zero.
///
/// The output is the last step's hidden state `[batch, hidden]` (what a classifier or regressor
/// head reads) or, with `returnsSequences`, every step's `[batch, steps, hidden]`. Gradients are
/// exact back-propagation through time; after each backward pass `hiddenGradientNorms` holds
/// ‖∂L/∂h_t‖ per step, which shows gradients vanishing or exploding *through time*.
/// Use the `RNN`, `LSTM` and `GRU` subclasses.
public class RecurrentLayer<Scalar: TensorScalar>: Module<Scalar> {
    public let cell: RecurrentCell
    /// `[gates·hidden, input]`.
    public let weightIH: Variable<Scalar>
    /// `[gates·hidden, hidden]`.
    public let weightHH: Variable<Scalar>
    /// `[gates·hidden]`, or nil without biases.
    public let biasIH: Variable<Scalar>?
    /// `[gates·hidden]`, or nil without biases.
    public let biasHH: Variable<Scalar>?
    /// Return every step's hidden state rather than the last one's. Default false.
    public let returnsSequences: Bool
    /// ‖∂L/∂h_t‖ of the last backward pass.
    public let hiddenGradients = HiddenGradientTrace()

    /// A layer with fresh parameters.
    /// - Parameters:
    ///   - inputWeightInitializer, recurrentWeightInitializer, biasInitializer: default PyTorch's
    ///     U(±1/√hidden) for all of them; `.orthogonal()` for the recurrent weight is the classic
    ///     remedy for gradients that vanish or explode through time (Saxe et al. 2014).
    public init(
        cell: RecurrentCell, inputSize: Int, hiddenSize: Int, bias: Bool, returnsSequences: Bool,
        inputWeightInitializer: Initializer?, recurrentWeightInitializer: Initializer?,
        biasInitializer: Initializer?, using rng: inout RandomGenerator
    ) {
        precondition(inputSize > 0 && hiddenSize > 0, "\(cell.name): sizes must be positive, got input \(inputSize), hidden \(hiddenSize)")
        if case .rnn(let f) = cell {
            precondition(f == .tanh || f == .relu, "RNN: nonlinearity must be tanh or relu, got \(f.name)")
        }
        let rows = cell.gateCount * hiddenSize, standard = Initializer.pytorchRecurrent(hidden: hiddenSize)
        self.cell = cell
        weightIH = Variable((inputWeightInitializer ?? standard).tensor(shape: [rows, inputSize], using: &rng), requiresGrad: true)
        weightHH = Variable((recurrentWeightInitializer ?? standard).tensor(shape: [rows, hiddenSize], using: &rng), requiresGrad: true)
        biasIH = bias ? Variable((biasInitializer ?? standard).tensor(shape: [rows], using: &rng), requiresGrad: true) : nil
        biasHH = bias ? Variable((biasInitializer ?? standard).tensor(shape: [rows], using: &rng), requiresGrad: true) : nil
        self.returnsSequences = returnsSequences
    }

    public var inputSize: Int { weightIH.shape[1] }
    public var hiddenSize: Int { weightHH.shape[1] }

    /// ‖∂L/∂h_t‖ for t = 0 ..< steps from the last backward pass (empty before one).
    public var hiddenGradientNorms: [Double] { hiddenGradients.norms }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        _ = shapePrecondition { try outputShape(for: input.shape) }
        return RecurrentKernel.run(
            cell: cell, input, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH,
            returnsSequences: returnsSequences, trace: hiddenGradients)
    }

    public override var localParameters: [(name: String, variable: Variable<Scalar>)] {
        [("weight_ih_l0", weightIH), ("weight_hh_l0", weightHH)]
            + [("bias_ih_l0", biasIH), ("bias_hh_l0", biasHH)].compactMap { name, v in v.map { (name, $0) } }
    }

    public override var weightParameters: [Variable<Scalar>] { [weightIH, weightHH] }
    public override var timeStepGradientNorms: [Double]? { hiddenGradientNorms.isEmpty ? nil : hiddenGradientNorms }
    public override var gateSummaries: [GateSummary]? { hiddenGradients.gates }

    /// An Elman RNN's output is its nonlinearity's output; a gated cell's is not.
    public override var observedActivation: Activation? {
        if case .rnn(let f) = cell { return f }
        return nil
    }

    public override func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        guard inputShape.count == 3, inputShape[2] == inputSize, inputShape[0] > 0, inputShape[1] > 0 else {
            throw ShapeError(operation: summary, shapes: [inputShape, weightIH.shape],
                             reason: "input must be [batch, steps, \(inputSize)] with batch and steps ≥ 1")
        }
        return returnsSequences ? [inputShape[0], inputShape[1], hiddenSize] : [inputShape[0], hiddenSize]
    }

    public override var summary: String {
        let kind: String
        switch cell {
        case .rnn(let f): kind = "RNN[\(f.name)]"
        case .lstm: kind = "LSTM"
        case .gru: kind = "GRU"
        }
        return "\(kind)(\(inputSize) → \(hiddenSize)\(returnsSequences ? ", sequences" : ""))"
    }
}

/// PyTorch's `nn.RNN(input, hidden, nonlinearity=…, batch_first=True)`: an Elman network with
/// tanh (default) or relu.
public final class RNN<Scalar: TensorScalar>: RecurrentLayer<Scalar> {
    public init(
        _ inputSize: Int, _ hiddenSize: Int, nonlinearity: Activation = .tanh, bias: Bool = true,
        returnsSequences: Bool = false, inputWeightInitializer: Initializer? = nil,
        recurrentWeightInitializer: Initializer? = nil, biasInitializer: Initializer? = nil,
        using rng: inout RandomGenerator
    ) {
        super.init(cell: .rnn(nonlinearity: nonlinearity), inputSize: inputSize, hiddenSize: hiddenSize, bias: bias,
                   returnsSequences: returnsSequences, inputWeightInitializer: inputWeightInitializer,
                   recurrentWeightInitializer: recurrentWeightInitializer, biasInitializer: biasInitializer, using: &rng)
    }
}

/// PyTorch's `nn.LSTM(input, hidden, batch_first=True)`.
public final class LSTM<Scalar: TensorScalar>: RecurrentLayer<Scalar> {
    public init(
        _ inputSize: Int, _ hiddenSize: Int, bias: Bool = true, returnsSequences: Bool = false,
        inputWeightInitializer: Initializer? = nil, recurrentWeightInitializer: Initializer? = nil,
        biasInitializer: Initializer? = nil, using rng: inout RandomGenerator
    ) {
        super.init(cell: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias,
                   returnsSequences: returnsSequences, inputWeightInitializer: inputWeightInitializer,
                   recurrentWeightInitializer: recurrentWeightInitializer, biasInitializer: biasInitializer, using: &rng)
    }
}

/// PyTorch's `nn.GRU(input, hidden, batch_first=True)`.
public final class GRU<Scalar: TensorScalar>: RecurrentLayer<Scalar> {
    public init(
        _ inputSize: Int, _ hiddenSize: Int, bias: Bool = true, returnsSequences: Bool = false,
        inputWeightInitializer: Initializer? = nil, recurrentWeightInitializer: Initializer? = nil,
        biasInitializer: Initializer? = nil, using rng: inout RandomGenerator
    ) {
        super.init(cell: .gru, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias,
                   returnsSequences: returnsSequences, inputWeightInitializer: inputWeightInitializer,
                   recurrentWeightInitializer: recurrentWeightInitializer, biasInitializer: biasInitializer, using: &rng)
    }
}
