import Initializers
import Layers
import TensorCore

/// A recurrent layer of an experiment file (`rnn`, `lstm`, `gru`): its cell, sizes and how its
/// weights start.
public struct RecurrentPlan: Equatable, Sendable {
    public var cell: RecurrentCell
    public var inputSize: Int
    public var hiddenSize: Int
    /// `return_sequences` (default false: the last step's h only).
    public var returnsSequences: Bool
    /// `init`: both weight matrices; biases start at zero unless it is `default`.
    public var `init`: WeightInit
    /// `recurrent_init`: W_hh alone (e.g. `orthogonal`, Saxe et al. 2014); nil: `init`.
    public var recurrentInit: WeightInit?
    /// `forget_bias` (LSTM only): the forget gate's bias starts here (b_ih's forget block; b_hh's
    /// is 0), so the cell remembers by default — Jozefowicz et al. 2015 recommend 1. nil: as `init` sets it.
    public var forgetBias: Double?

    public init(cell: RecurrentCell, inputSize: Int, hiddenSize: Int, returnsSequences: Bool = false,
                init initial: WeightInit = .pytorchDefault, recurrentInit: WeightInit? = nil, forgetBias: Double? = nil) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.returnsSequences = returnsSequences
        self.`init` = initial
        self.recurrentInit = recurrentInit
        self.forgetBias = forgetBias
    }

    /// The layer, initialised from `rng` (W_ih, W_hh, b_ih, b_hh in that order, as PyTorch does).
    func build<Scalar: TensorScalar>(using rng: inout RandomGenerator) -> Module<Scalar> {
        let layer = RecurrentLayer<Scalar>(
            cell: cell, inputSize: inputSize, hiddenSize: hiddenSize, bias: true, returnsSequences: returnsSequences,
            inputWeightInitializer: `init`.initializer, recurrentWeightInitializer: (recurrentInit ?? `init`).initializer,
            biasInitializer: `init` == .pytorchDefault ? nil : .zeros, using: &rng)
        if let forgetBias, cell == .lstm, let bih = layer.biasIH, let bhh = layer.biasHH {
            // LSTM gate blocks are stacked i, f, g, o: the forget gate is rows h ..< 2h.
            let forget = hiddenSize..<(2 * hiddenSize)
            bih.value.withUnsafeMutableBufferPointer { b in for r in forget { b[r] = Scalar(forgetBias) } }
            bhh.value.withUnsafeMutableBufferPointer { b in for r in forget { b[r] = 0 } }
        }
        return layer
    }
}

extension WeightInit {
    /// The weights' initialiser, or nil for PyTorch's default.
    var initializer: Initializer? {
        if case .weights(let i) = self { return i }
        return nil
    }
}
