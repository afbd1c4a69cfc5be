import Foundation
import Layers
import Monitor
import TensorCore

/// One recurrent layer's share in how ‖∂L/∂h_t‖ shrinks or grows going back in time (source article 002's
/// Wᵗ = V diag(λ)ᵗ V⁻¹ argument made concrete). Back through one step of a tanh RNN,
/// ∂L/∂h_{t−1} = W_hhᵀ (tanh′ ⊙ ∂L/∂h_t), so over T steps the gradient scales like
/// (mean tanh′ × ρ(W_hh))^(T−1), ρ the spectral radius. In an LSTM the cell state carries it,
/// multiplied by the forget gate f at each step; in a GRU by the update gate z: their value at
/// rest, σ(bias), is what the cell starts with (Hochreiter & Schmidhuber 1997; Cho et al. 2014).
public struct RecurrentFactors: Codable, Sendable, Equatable {
    public var path: String
    public var kind: String
    /// Sequence length T.
    public var steps: Int
    /// RNN: the nonlinearity's mean derivative at the recorded output (tanh′ = 1 − h², ReLU: the
    /// share of active units); nil for gated cells.
    public var meanDerivative: Double?
    /// ‖W_hh‖₂ of the block the state passes through (RNN: all of W_hh; LSTM/GRU: the candidate block).
    public var recurrentNorm: Double
    /// ρ(W_hh) of the same block, by Gelfand's formula ρ = lim ‖Wᵏ‖^(1/k) (k = 200).
    public var spectralRadius: Double
    /// LSTM: mean σ(b_f) (the forget gate with no input); GRU: mean σ(b_z) (the update gate).
    public var gateAtRest: Double?
    /// The predicted factor per time step: mean σ′ × ρ (RNN) or the gate at rest (LSTM/GRU).
    public var predictedFactor: Double?
    /// predictedFactor^(T−1): the predicted ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖.
    public var predictedRatio: Double?
    /// The measured ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ and its (T−1)-th root.
    public var measuredRatio: Double?
    public var measuredFactor: Double?

    /// The scales of each recurrent layer of `model` before training, by path.
    public static func scales<Scalar: TensorScalar>(of model: Module<Scalar>) -> [String: RecurrentScale] {
        var result: [String: RecurrentScale] = [:]
        for (path, module) in model.namedModules() {
            guard let layer = module as? RecurrentLayer<Scalar> else { continue }
            let h = layer.hiddenSize
            let block: Range<Int>, gate: Range<Int>?
            switch layer.cell {
            case .rnn: (block, gate) = (0..<h, nil)
            case .lstm: (block, gate) = ((2 * h)..<(3 * h), h..<(2 * h))  // i, f, g, o
            case .gru: (block, gate) = ((2 * h)..<(3 * h), h..<(2 * h))   // r, z, n
            }
            let w = rows(layer.weightHH.value, block)
            var atRest: Double?
            if let gate, let bih = layer.biasIH?.value.scalars, let bhh = layer.biasHH?.value.scalars {
                atRest = gate.map { 1 / (1 + exp(-Double(bih[$0] + bhh[$0]))) }.reduce(0, +) / Double(gate.count)
            } else if gate != nil {
                atRest = 0.5
            }
            result[path] = RecurrentScale(norm: FactorDecomposition.spectralNorm(w).spectral, radius: spectralRadius(w), gateAtRest: atRest)
        }
        return result
    }

    /// The factors of the recurrent layer `layer` at one record.
    init?(layer: LayerRecord, scale: RecurrentScale) {
        guard let norms = layer.hiddenGradNorms, norms.count >= 2 else { return nil }
        path = layer.path
        kind = layer.kind
        steps = norms.count
        meanDerivative = scale.gateAtRest == nil ? layer.meanDerivative : nil
        recurrentNorm = scale.norm
        spectralRadius = scale.radius
        gateAtRest = scale.gateAtRest
        predictedFactor = scale.gateAtRest ?? meanDerivative.map { $0 * scale.radius }
        predictedRatio = predictedFactor.map { pow($0, Double(steps - 1)) }
        if let last = norms.last, last > 0, norms[0].isFinite, last.isFinite {
            measuredRatio = norms[0] / last
            measuredFactor = pow(norms[0] / last, 1 / Double(steps - 1))
        }
    }

    /// What drives the measured factor, in words.
    public var summary: String {
        var text = "Layer \(path) (\(kind)) over \(steps) steps: "
        if let m = measuredRatio, let f = measuredFactor {
            text += String(format: "‖∂L/∂h_1‖/‖∂L/∂h_T‖ = %.1e measured, %.3f per step", m, f)
        }
        if let p = predictedRatio, let f = predictedFactor {
            text += String(format: "; predicted %.1e (%.3f per step)", p, f)
        }
        if let gate = gateAtRest {
            text += String(format: ". The state passes through the gate at rest, σ(b) = %.2f per step: %@", gate,
                           gate < 0.9 ? "the cell forgets most of its past at each step — a forget-gate bias of 1 (Jozefowicz et al. 2015) keeps it"
                               : "the gate keeps the state, so the gradient can reach early steps")
        } else if let d = meanDerivative {
            text += String(format: ". Per step: mean σ′ %.3f × ρ(W_hh) %.3f (‖W_hh‖₂ %.3f). ", d, spectralRadius, recurrentNorm)
            if spectralRadius < 1 {
                text += String(format: "With ρ < 1 the gradient must shrink like %.3f^t (source article 002's Wᵗ argument: λ_max^%d = %.1e); "
                    + "an orthogonal W_hh (ρ = 1) or a gated cell (LSTM, GRU) keeps it.", spectralRadius, steps - 1,
                    pow(spectralRadius, Double(steps - 1)))
            } else if d * spectralRadius > 1 {
                text += String(format: "With ρ > 1 and σ′ near 1 the gradient grows like %.3f^t: clip it (Pascanu et al. 2013) or "
                    + "start W_hh orthogonal.", d * spectralRadius)
            } else {
                text += "ρ ≥ 1 but the derivative is small: the units saturate, which shrinks the gradient."
            }
        }
        return text
    }

    static func rows<Scalar: TensorScalar>(_ w: Tensor<Scalar>, _ range: Range<Int>) -> Tensor<Scalar> {
        let width = w.shape[1]
        return Tensor(shape: [range.count, width], scalars: Array(w.scalars[(range.lowerBound * width)..<(range.upperBound * width)]))
    }

    /// ρ(W) of a square `w` by Gelfand's formula: the growth per step of ‖Wᵏ x‖ over k = 200
    /// steps from a fixed start (renormalised each step, logs summed), in Double.
    static func spectralRadius<Scalar: TensorScalar>(_ w: Tensor<Scalar>, iterations: Int = 200) -> Double {
        guard w.rank == 2, w.shape[0] == w.shape[1], w.count > 0 else { return 0 }
        let n = w.shape[0], m = w.scalars.map(Double.init)
        var x = (0..<n).map { 1 + 0.37 * Double(($0 * 7919) % 13) }
        var logSum = 0.0, counted = 0
        for k in 0..<iterations {
            var y = [Double](repeating: 0, count: n)
            for r in 0..<n { var s = 0.0; for c in 0..<n { s += m[r * n + c] * x[c] }; y[r] = s }
            let norm = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0, norm.isFinite else { return 0 }
            // The first steps align x with the dominant directions; average the later ones.
            if k >= iterations / 2 { logSum += log(norm); counted += 1 }
            x = y.map { $0 / norm }
        }
        return exp(logSum / Double(counted))
    }
}

/// A recurrent layer's weight scales before training.
public struct RecurrentScale: Sendable {
    public var norm: Double
    public var radius: Double
    public var gateAtRest: Double?
}
