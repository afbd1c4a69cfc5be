import Foundation
import Monitor

/// ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of each recurrent layer in the records before the first non-finite one:
/// the share of the last step's gradient that reaches the first step.
func timeRatios(_ records: [StepRecord]) -> [(path: String, kind: String, steps: Int, values: [(step: Int, ratio: Double)])] {
    let finite = records.prefix { $0.loss.isFinite && !$0.layers.contains { $0.nonFiniteCount > 0 } }
    var order: [String] = [], byPath: [String: (kind: String, steps: Int, values: [(step: Int, ratio: Double)])] = [:]
    for record in finite {
        for layer in record.layers {
            guard let norms = layer.hiddenGradNorms, norms.count >= 2, let last = norms.last, last > 0, last.isFinite,
                  norms[0].isFinite else { continue }
            if byPath[layer.path] == nil {
                order.append(layer.path)
                byPath[layer.path] = (layer.kind, norms.count, [])
            }
            byPath[layer.path]!.values.append((record.step, norms[0] / last))
        }
    }
    return order.map { (path: $0, kind: byPath[$0]!.kind, steps: byPath[$0]!.steps, values: byPath[$0]!.values) }
}

/// The recurrent layer whose first/last time-step ratio meets `condition` in at least half of
/// the last third of its finite records (sustained: a gated cell that starts vanishing and
/// learns to keep its state does not count), with the first step it met it and the late median.
func sustainedTimeRatio(
    _ records: [StepRecord], where condition: (Double) -> Bool
) -> (path: String, kind: String, steps: Int, firstStep: Int, lateMedian: Double)? {
    for (path, kind, steps, values) in timeRatios(records) {
        let late = values.suffix(Swift.max(values.count / 3, 1)).map(\.ratio)
        guard late.filter(condition).count * 2 >= late.count, let first = values.first(where: { condition($0.ratio) }) else { continue }
        return (path, kind, steps, first.step, late.sorted()[late.count / 2])
    }
    return nil
}

/// The finding of a through-time rule: `kind` at the layer `sustainedTimeRatio` found, with the
/// ratio, the factor per step and the sequence length as evidence; `explain` words it from the
/// layer's path and kind, the ratio and the factor per step.
func timeFinding(
    _ kind: ProblemKind, _ records: [StepRecord], where condition: (Double) -> Bool,
    explain: (_ path: String, _ layerKind: String, _ ratio: Double, _ perStep: Double, _ steps: Int) -> String
) -> Finding? {
    guard let hit = sustainedTimeRatio(records, where: condition) else { return nil }
    let perStep = pow(hit.lateMedian, 1 / Double(hit.steps - 1))
    return Finding(
        kind: kind, layer: hit.path, firstStep: hit.firstStep, axis: .time,
        evidence: ["time_ratio_first_last": hit.lateMedian, "per_step_factor": perStep, "sequence_length": Double(hit.steps)],
        explanation: explain(hit.path, hit.kind, hit.lateMedian, perStep, hit.steps))
}

/// `vanishing_gradient` through time: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of a recurrent layer below
/// `threshold` (default 1e-3) in at least half of the last third of the records.
///
/// Why 1e-3, the depth rule's threshold: the first step then learns a thousand times slower than
/// the last, so a dependency that spans the sequence cannot be learnt (Bengio et al. 1994). The
/// late third, not the first records: an LSTM's forget gate starts at σ(0) = 0.5 and vanishes at
/// first on any long sequence; it is a problem only if training does not open the gate.
public struct VanishingThroughTimeDetector: Detector {
    public let threshold: Double

    public init(threshold: Double = 1e-3) { self.threshold = threshold }

    public func detect(_ records: [StepRecord]) -> Finding? {
        timeFinding(.vanishingGradient, records, where: { $0 < threshold }) { path, kind, ratio, perStep, steps in
            String(format: "Through time: the gradient reaching the first step of %@ (%@) is %.1e of the one at "
                + "the last step — each of the %d steps back multiplies it by about %.3f, so what the first inputs said cannot "
                + "be learnt. Causes: a recurrent weight with spectral radius below 1 and the nonlinearity's σ′ < 1 (the "
                + "factor table says which). Remedies: a gated cell (LSTM, GRU), an orthogonal W_hh, a forget-gate bias of 1.",
                path, kind, ratio, steps - 1, perStep)
        }
    }
}

/// `exploding_gradient` through time: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ above `threshold` (default 1e3) in
/// at least half of the last third of the records before the first NaN/∞ — so a run that
/// overflows is caught at the records before it does.
///
/// Why: the mirror of the vanishing rule; a factor above 1 per step compounds over the sequence
/// (1.2⁶⁰ ≈ 5.6e4) and ends in overflow (Pascanu et al. 2013).
public struct ExplodingThroughTimeDetector: Detector {
    public let threshold: Double

    public init(threshold: Double = 1e3) { self.threshold = threshold }

    public func detect(_ records: [StepRecord]) -> Finding? {
        timeFinding(.explodingGradient, records, where: { $0 > threshold }) { path, kind, ratio, perStep, _ in
            String(format: "Through time: the gradient reaching the first step of %@ (%@) is %.1e times the one "
                + "at the last step — each step back multiplies it by about %.3f. Causes: a recurrent weight with spectral "
                + "radius above 1 and a non-saturating nonlinearity (ReLU). Remedies: gradient-norm clipping (Pascanu et al. "
                + "2013), an orthogonal W_hh, a gated cell, a lower learning rate.", path, kind, ratio, perStep)
        }
    }
}
