import TensorCore

/// One gate of an LSTM or GRU over a forward pass: its mean value and the share of values in the
/// flat tails of its nonlinearity (sigmoid below 0.0025 or above 0.9975, tanh beyond ±0.995 —
/// where its derivative is under 1 % of its maximum), over every step and sample.
public struct GateSummary: Codable, Sendable, Equatable {
    /// `input`, `forget`, `cell`, `output` (LSTM) or `reset`, `update`, `new` (GRU).
    public var name: String
    public var mean: Double
    public var saturatedFraction: Double

    public init(name: String, mean: Double, saturatedFraction: Double) {
        self.name = name
        self.mean = mean
        self.saturatedFraction = saturatedFraction
    }

    /// The gates of `cell` in PyTorch's stacking order, with whether each is a tanh (else sigmoid).
    static func layout(_ cell: RecurrentCell) -> [(name: String, tanh: Bool)] {
        switch cell {
        case .rnn: []
        case .lstm: [("input", false), ("forget", false), ("cell", true), ("output", false)]
        case .gru: [("reset", false), ("update", false), ("new", true)]
        }
    }

    /// The summaries of activated `gates` `[rows, gateCount · hidden]` of `cell`.
    static func summarize<Scalar: TensorScalar>(_ gates: Tensor<Scalar>, cell: RecurrentCell, hidden: Int) -> [GateSummary] {
        let layout = layout(cell)
        guard !layout.isEmpty, gates.rank == 2, gates.shape[1] == layout.count * hidden, gates.shape[0] > 0 else { return [] }
        let rows = gates.shape[0], width = gates.shape[1]
        var sums = [Double](repeating: 0, count: layout.count), flat = [Int](repeating: 0, count: layout.count)
        gates.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                let row = p.baseAddress! + r * width
                for (k, gate) in layout.enumerated() {
                    let block = row + k * hidden
                    var sum = 0.0, count = 0
                    for j in 0..<hidden {
                        let v = block[j]
                        sum += Double(v)
                        if gate.tanh ? Swift.abs(v) > 0.995 : (v < 0.0025 || v > 0.9975) { count += 1 }
                    }
                    sums[k] += sum
                    flat[k] += count
                }
            }
        }
        let n = Double(rows * hidden)
        return layout.enumerated().map { k, gate in GateSummary(name: gate.name, mean: sums[k] / n, saturatedFraction: Double(flat[k]) / n) }
    }
}
