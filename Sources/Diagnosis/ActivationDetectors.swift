import Foundation
import Monitor

/// The layers a per-layer rule reads: for each layer path, its records in step order.
func layerSeries(_ records: [StepRecord]) -> [(path: String, kind: String, series: [(step: Int, layer: LayerRecord)])] {
    var order: [String] = [], byPath: [String: (String, [(Int, LayerRecord)])] = [:]
    for record in records {
        for layer in record.layers {
            if byPath[layer.path] == nil {
                order.append(layer.path)
                byPath[layer.path] = (layer.kind, [])
            }
            byPath[layer.path]!.1.append((record.step, layer))
        }
    }
    return order.map { (path: $0, kind: byPath[$0]!.0, series: byPath[$0]!.1.map { (step: $0.0, layer: $0.1) }) }
}

/// A per-layer fraction that stays at or above `threshold` in at least half of the last third
/// of the records: the worst such layer (by its late median), the first step it crossed the
/// threshold, and that median. Shared by the dying-ReLU and saturation rules.
func sustainedFraction(
    _ records: [StepRecord], threshold: Double, skippingShortcutBodies: Bool = false, _ value: (LayerRecord) -> Double?
) -> (path: String, kind: String, firstStep: Int, lateMedian: Double, first: Double)? {
    var worst: (path: String, kind: String, firstStep: Int, lateMedian: Double, first: Double)?
    for (path, kind, series) in layerSeries(records) where !(skippingShortcutBodies && path.contains(".body.")) {
        let values = series.compactMap { entry in value(entry.layer).map { (entry.step, $0) } }
        guard !values.isEmpty else { continue }
        let late = values.suffix(Swift.max(values.count / 3, 1)).map(\.1)
        let hits = late.filter { $0 >= threshold }.count
        guard hits * 2 >= late.count, let crossing = values.first(where: { $0.1 >= threshold }) else { continue }
        let median = late.sorted()[late.count / 2]
        if worst == nil || median > worst!.lateMedian {
            worst = (path, kind, crossing.0, median, values[0].1)
        }
    }
    return worst
}

/// `dying_relu`: a ReLU layer where at least `threshold` (default 50 %) of the units output 0
/// for every sample of the batch, in at least half of the last third of the records.
///
/// Why 50 %: a dead unit passes no gradient and, with no gradient, never revives (Lu et al.,
/// "Dying ReLU and initialization", 2019). ReLUs inside a residual block's body are not read:
/// the shortcut carries the signal and the gradient past them (He et al. 2016), so dead units
/// there block nothing. Kaiming-initialised nets on standardised data keep
/// under 10 % dead; DeepDiagnosis (Wardat et al., ICSE 2022) flags a layer when dead units
/// dominate. Reading the late records means units that die early but recover do not count.
public struct DyingReLUDetector: Detector {
    public let threshold: Double

    public init(threshold: Double = 0.5) { self.threshold = threshold }

    public func detect(_ records: [StepRecord]) -> Finding? {
        guard let worst = sustainedFraction(records, threshold: threshold, skippingShortcutBodies: true, \.deadFraction) else { return nil }
        return Finding(
            kind: .dyingReLU, layer: worst.path, firstStep: worst.firstStep,
            evidence: ["dead_fraction": worst.lateMedian, "dead_fraction_first_record": worst.first],
            explanation: String(format: "%.0f%% of the units of ReLU layer %@ output 0 for every sample (from step %d on): "
                + "a dead unit's derivative is 0, so no gradient flows back through it and it never recovers. "
                + "Causes: a learning rate too high, a large negative bias or weight shift. Remedies: LeakyReLU/ELU, "
                + "He initialisation, a lower learning rate.", worst.lateMedian * 100, worst.path, worst.firstStep))
    }
}

/// `saturation`: a sigmoid or tanh layer where at least `threshold` (default 50 %) of the outputs
/// sit in the flat tails (derivative below 1 % of its maximum), in at least half of the last
/// third of the records.
///
/// Why: in the tails σ′ ≈ 0, so the layer blocks back-propagation whatever the weights (source article 002:
/// "the sigmoid's derivative is close to 0 at both ends"). Glorot & Bengio (2010) show top-layer
/// sigmoid saturation stalls training; a healthy Xavier-initialised tanh net saturates < 5 %.
public struct SaturationDetector: Detector {
    public let threshold: Double

    public init(threshold: Double = 0.5) { self.threshold = threshold }

    public func detect(_ records: [StepRecord]) -> Finding? {
        guard let worst = sustainedFraction(records, threshold: threshold, \.saturatedFraction) else { return nil }
        return Finding(
            kind: .saturation, layer: worst.path, firstStep: worst.firstStep,
            evidence: ["saturated_fraction": worst.lateMedian, "saturated_fraction_first_record": worst.first],
            explanation: String(format: "%.0f%% of the outputs of %@ layer %@ sit where its derivative is below 1%% of "
                + "its maximum: the gradient through them is all but zero. Usually weights or inputs too large for a "
                + "sigmoid/tanh (|z| ≫ 1). Remedies: Xavier initialisation, standardised inputs, BatchNorm, ReLU.",
                worst.lateMedian * 100, worst.kind, worst.path))
    }
}
