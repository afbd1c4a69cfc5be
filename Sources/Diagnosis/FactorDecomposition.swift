import Foundation
import Layers
import Monitor
import TensorCore

/// One Linear layer's share in how the back-propagated gradient shrinks or grows (source article 002):
/// going back through layer l, ∂L/∂z_{l−1} = σ′(z_{l−1}) ⊙ W_lᵀ ∂L/∂z_l, so the gradient is
/// multiplied by about (typical gain of W_lᵀ) × (mean σ′ of the activation below it).
public struct LayerFactors: Codable, Sendable, Equatable {
    /// The Linear layer's path and description.
    public var path: String
    public var kind: String
    /// The activation feeding this layer (the one the gradient passes next), if any.
    public var activation: String?
    /// Its mean derivative σ′ over the batch (sigmoid ≤ 0.25, tanh ≤ 1, ReLU: the share of active units).
    public var meanDerivative: Double?
    /// ‖W‖₂, the largest factor W can stretch a gradient by (power iteration).
    public var spectralNorm: Double
    /// ‖W‖_F / √fan_out: the factor W scales a random gradient by on average.
    public var typicalGain: Double
    /// RMS of the layer's input (the previous layer's output; nil for the model's input).
    public var inputRMS: Double?
    /// typicalGain × meanDerivative: the predicted factor per layer.
    public var predictedFactor: Double?
    /// ‖∂L/∂z‖ at the previous Linear layer over ‖∂L/∂z‖ here, measured.
    public var measuredFactor: Double?

    /// `inputRms`, so that GradGuard's snake_case JSON (`input_rms`) decodes back to `inputRMS`.
    enum CodingKeys: String, CodingKey {
        case path, kind, activation, meanDerivative, spectralNorm, typicalGain, predictedFactor, measuredFactor
        case inputRMS = "inputRms"
    }
}

/// The factor decomposition of a run at one recorded step: per Linear layer, the activation
/// derivative, the weights' spectral norm and typical gain, the input's size — and which of them
/// drives the shrink or growth, against the theory (σ′ ≤ 0.25 for sigmoid: 0.25^L; 0.8⁵⁰ ≈ 1.4e-5
/// but 1.2⁵⁰ ≈ 9100).
public struct FactorDecomposition: Codable, Sendable, Equatable {
    public var step: Int
    public var layers: [LayerFactors]
    /// Geometric means over the layers that have both factors.
    public var meanDerivative: Double?
    public var meanWeightGain: Double?
    /// `activation_derivative`, `weight_scale`, or `balanced` (neither is off by more than ×1.5).
    public var driver: String
    public var summary: String
    /// Recurrent layers: the factors through time (nil when the model has none).
    public var recurrent: [RecurrentFactors]?

    /// ‖W‖₂ and ‖W‖_F/√fan_out of every Linear weight of `model`, by the Linear layer's path:
    /// measure them before training to explain what the initialisation set up.
    public static func weightScales<Scalar: TensorScalar>(of model: Module<Scalar>) -> [String: (spectral: Double, typical: Double)] {
        var result: [String: (spectral: Double, typical: Double)] = [:]
        for (path, module) in model.namedModules() {
            if let linear = module as? Linear<Scalar> { result[path] = spectralNorm(linear.weight.value) }
        }
        return result
    }

    /// The decomposition at `record`, with the weights' scales from `weightScales(of:)`.
    public init(record: StepRecord, weightScales: [String: (spectral: Double, typical: Double)],
                recurrentScales: [String: RecurrentScale] = [:]) {
        step = record.step
        var rows: [LayerFactors] = []
        var previousLinearGrad: Double?
        for (i, layer) in record.layers.enumerated() {
            guard let (spectral, gain) = weightScales[layer.path] else { continue }
            let below = i > 0 ? record.layers[i - 1] : nil
            let activation = below.flatMap { $0.meanDerivative != nil ? $0 : nil }
            var row = LayerFactors(path: layer.path, kind: layer.kind, activation: activation?.kind,
                                   meanDerivative: activation?.meanDerivative, spectralNorm: spectral, typicalGain: gain)
            row.inputRMS = below.map { ($0.activationMean * $0.activationMean + $0.activationStd * $0.activationStd).squareRoot() }
            row.predictedFactor = activation?.meanDerivative.map { $0 * gain }
            if let here = layer.outputGradNorm, let previous = previousLinearGrad, here > 0 { row.measuredFactor = previous / here }
            previousLinearGrad = layer.outputGradNorm
            rows.append(row)
        }
        layers = rows
        let paired = layers.filter { $0.meanDerivative != nil && $0.meanDerivative! > 0 && $0.typicalGain > 0 }
        func geometric(_ v: [Double]) -> Double? { v.isEmpty ? nil : exp(v.map { log($0) }.reduce(0, +) / Double(v.count)) }
        meanDerivative = geometric(paired.map { $0.meanDerivative! })
        meanWeightGain = geometric(paired.map(\.typicalGain))
        (driver, summary) = Self.judge(derivative: meanDerivative, gain: meanWeightGain, depth: paired.count)
        let throughTime = record.layers.compactMap { layer in recurrentScales[layer.path].flatMap { RecurrentFactors(layer: layer, scale: $0) } }
        if !throughTime.isEmpty {
            recurrent = throughTime
            let timeSummary = throughTime.map(\.summary).joined(separator: " ")
            if paired.isEmpty {
                summary = timeSummary
                driver = throughTime.contains { $0.gateAtRest != nil } ? "gate" : "recurrent_weights"
            } else {
                summary += " " + timeSummary
            }
        }
    }

    static func judge(derivative: Double?, gain: Double?, depth: Int) -> (String, String) {
        guard let d = derivative, let g = gain, depth > 0 else {
            return ("balanced", "No Linear layer with an activation below it to decompose.")
        }
        let product = d * g
        let through = pow(product, Double(depth))
        let direction = product < 1 ? "shrinks" : "grows"
        var text = String(format: "Per layer the gradient %@ by about %.2f (mean σ′ %.3f × weight gain %.3f); over %d layers that is %.1e.",
                          direction, product, d, g, depth, through)
        let logD = abs(log(d)), logG = abs(log(g))
        let driver: String
        if max(logD, logG) < log(1.5) {
            driver = "balanced"
            text += " Neither factor is far from 1: the gradient flow is balanced."
        } else if logD >= logG {
            driver = "activation_derivative"
            text += String(format: " The activation's derivative drives it: %.3f^%d = %.1e on its own (sigmoid σ′ ≤ 0.25, tanh ≤ 1), "
                + "while the weights contribute %.1e.", d, depth, pow(d, Double(depth)), pow(g, Double(depth)))
        } else {
            driver = "weight_scale"
            text += String(format: " The weight scale drives it: the weights alone give %.3f^%d = %.1e (compare 0.8⁵⁰ ≈ 1.4e-5 and "
                + "1.2⁵⁰ ≈ 9100: a factor a little off 1 compounds with depth).", g, depth, pow(g, Double(depth)))
        }
        return (driver, text)
    }

    /// The spectral norm (power iteration on WᵀW, 50 rounds, Double) and ‖W‖_F/√rows of `w` `[rows, cols]`.
    static func spectralNorm<Scalar: TensorScalar>(_ w: Tensor<Scalar>) -> (spectral: Double, typical: Double) {
        guard w.rank == 2, w.count > 0 else { return (0, 0) }
        let rows = w.shape[0], cols = w.shape[1]
        let m = w.scalars.map(Double.init)
        var v = (0..<cols).map { 1 + 0.01 * Double($0 % 7) }
        var sigma = 0.0
        for _ in 0..<50 {
            var u = [Double](repeating: 0, count: rows)
            for r in 0..<rows { var s = 0.0; for c in 0..<cols { s += m[r * cols + c] * v[c] }; u[r] = s }
            var next = [Double](repeating: 0, count: cols)
            for r in 0..<rows { let ur = u[r]; for c in 0..<cols { next[c] += m[r * cols + c] * ur } }
            let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { return (0, 0) }
            sigma = norm.squareRoot()  // ‖WᵀW v‖ → σ² for a unit v
            v = next.map { $0 / norm }
        }
        let frobenius = m.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return (sigma, frobenius / Double(rows).squareRoot())
    }
}
