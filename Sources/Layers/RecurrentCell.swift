import TensorCore

/// The recurrence a `RecurrentLayer` runs at each time step, with PyTorch's equations and gate
/// order (`nn.RNN`, `nn.LSTM`, `nn.GRU`).
public enum RecurrentCell: Sendable, Equatable, Hashable {
    /// Elman RNN (Elman 1990): `h' = f(W_ih x + b_ih + W_hh h + b_hh)`, f tanh or relu.
    case rnn(nonlinearity: Activation)
    /// LSTM (Hochreiter & Schmidhuber 1997; forget gate: Gers et al. 2000), gates i, f, g, o:
    /// `c' = f ⊙ c + i ⊙ g`, `h' = o ⊙ tanh(c')`.
    case lstm
    /// GRU (Cho et al. 2014), gates r, z, n: `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`,
    /// `h' = (1 − z) ⊙ n + z ⊙ h`.
    case gru

    /// Gate blocks stacked in the weights (1, 4 or 3): `weight_ih_l0` is `[gates·hidden, input]`.
    public var gateCount: Int {
        switch self {
        case .rnn: 1
        case .lstm: 4
        case .gru: 3
        }
    }

    /// `"rnn"`, `"lstm"` or `"gru"`.
    public var name: String {
        switch self {
        case .rnn: "rnn"
        case .lstm: "lstm"
        case .gru: "gru"
        }
    }
}
