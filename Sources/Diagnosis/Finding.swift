import Foundation
import Monitor

/// A problem kind, with the names of the `doctor --json` document (docs/experiment-format.md).
public enum ProblemKind: String, Codable, Sendable, CaseIterable {
    case vanishingGradient = "vanishing_gradient"
    case explodingGradient = "exploding_gradient"
    case nonFinite = "non_finite"
    case dyingReLU = "dying_relu"
    case saturation
    case oscillatingLoss = "oscillating_loss"
    case slowConvergence = "slow_convergence"
    case symmetry
    /// GradGuard's additions: a layer's weight norm grows or shrinks by a decade or more, or sits at 0.
    case weightsGrowing = "weights_growing"
    case weightsShrinking = "weights_shrinking"
    case weightsAtZero = "weights_at_zero"
    case healthy
}

/// Which way a gradient problem runs: back through the layers, or back through the time steps of
/// a recurrent layer.
public enum GradientAxis: String, Codable, Sendable {
    case depth, time
}

/// One diagnosed problem: what, where, since when, the numbers behind it, and why in plain words.
public struct Finding: Codable, Sendable, Equatable {
    public let kind: ProblemKind
    /// The layer's path (`"0"`), or nil when the problem is not one layer's.
    public let layer: String?
    /// For vanishing and exploding gradients: through the layers (`depth`) or through time
    /// (`time`, a recurrent layer's ‖∂L/∂h_t‖); nil for other kinds.
    public let axis: GradientAxis?
    /// The first recorded step at which the rule held.
    public let firstStep: Int
    /// The numbers the rule read (`grad_norm_ratio_first_last`, …).
    public let evidence: [String: Double]
    public let explanation: String

    public init(kind: ProblemKind, layer: String?, firstStep: Int, axis: GradientAxis? = nil, evidence: [String: Double],
                explanation: String) {
        self.kind = kind
        self.layer = layer
        self.axis = axis
        self.firstStep = firstStep
        self.evidence = evidence
        self.explanation = explanation
    }
}

/// A rule that reads a run's records and reports its problem, or nil when the run does not have it.
public protocol Detector: Sendable {
    func detect(_ records: [StepRecord]) -> Finding?
}

extension StepRecord {
    /// Layers with weights (Linear, recurrent, norms), in model order.
    var weightedLayers: [LayerRecord] { layers.filter { $0.weightNorm != nil } }

    /// ‖∂L/∂a‖ at the first weighted layer's output over the same at the last one's: the
    /// fraction of the output-side gradient that reaches the input side.
    public var firstToLastGradientRatio: Double? {
        let weighted = weightedLayers
        guard weighted.count >= 2, let first = weighted.first?.outputGradNorm, let last = weighted.last?.outputGradNorm,
              last > 0, first.isFinite, last.isFinite else { return nil }
        return first / last
    }
}

/// The first/last gradient ratio when it meets `condition` in at least half of the records
/// that have one: the first such record, its ratio, the number of weighted layers, and the
/// factor each layer multiplies the gradient by on average (ratio^(1/(layers−1))). The shared
/// core of the vanishing and exploding rules.
struct SustainedRatio {
    let record: StepRecord
    let ratio: Double
    let depth: Int
    let perLayerFactor: Double
    /// The ratios that met the condition, in step order.
    let matching: [Double]

    init?(_ records: [StepRecord], where condition: (Double) -> Bool) {
        let ratios = records.compactMap { r in r.firstToLastGradientRatio.map { (r, $0) } }
        let hits = ratios.filter { condition($0.1) }
        guard !ratios.isEmpty, hits.count * 2 >= ratios.count, let (first, ratio) = hits.first else { return nil }
        record = first
        self.ratio = ratio
        depth = first.weightedLayers.count
        perLayerFactor = Foundation.pow(ratio, 1 / Double(Swift.max(depth - 1, 1)))
        matching = hits.map(\.1)
    }

    /// The input-side layer the ratio is about.
    var layer: LayerRecord { record.weightedLayers[0] }
}
