/// ‖∂L/∂h_t‖ for every time step of a recurrent layer's last backward pass: the recurrent form
/// of gradient flow (a norm that falls with distance from the loss is vanishing through time).
///
/// Written by the layer's pullback, read by the monitor. A class so the pullback can write to
/// it without holding the layer.
public final class HiddenGradientTrace {
    /// Norm of ∂L/∂h_t (Frobenius, over the batch), t = 0 ..< steps; empty until a backward pass.
    public internal(set) var norms: [Double] = []
    /// Summarises the gates of the last forward pass (LSTM/GRU), computed only when asked: the
    /// training step itself pays nothing for it.
    var gateReader: (() -> [GateSummary])?

    /// The gates of the last forward pass, or nil (an RNN, or no forward pass yet).
    public var gates: [GateSummary]? { gateReader.map { $0() } }

    public init() {}
}
