import Foundation
import Monitor

/// `symmetry`: a Linear layer whose units are still all identical at the last record that
/// checked them (every weight row equal to the first one's, `identicalUnitFraction` ≥ 0.99; the
/// monitor checks every `identicalUnitsEvery`-th record).
///
/// Why: units that start equal get equal gradients and stay equal forever; the layer works as a
/// single unit (source article 002's argument against constant initialisation). Random initialisation
/// makes two rows equal with probability 0, so any layer that stays symmetric was built that way.
public struct SymmetryDetector: Detector {
    public init() {}

    public func detect(_ records: [StepRecord]) -> Finding? {
        for (path, kind, series) in layerSeries(records) {
            guard let last = series.last(where: { $0.layer.identicalUnitFraction != nil })?.layer.identicalUnitFraction, last >= 0.99,
                  let first = series.first(where: { ($0.layer.identicalUnitFraction ?? 0) >= 0.99 }) else { continue }
            return Finding(
                kind: .symmetry, layer: path, firstStep: first.step, evidence: ["identical_unit_fraction": last],
                explanation: "Every unit of layer \(path) (\(kind)) has the same weights, at the last step as at step \(first.step): "
                    + "identical units get identical gradients, so they never become different and the layer acts as one unit. "
                    + "Cause: a constant initialisation. Remedy: random initialisation (Xavier, He).")
        }
        return nil
    }
}

/// Weight norms that change by a factor of at least `factor` (default 10) between the record at
/// a tenth of the run and the last record of a layer, monotonically in at least 80 % of the steps
/// (a layer that starts at or near zero — an output layer initialised to 0 — grows by orders of
/// magnitude in its first steps, which is learning, not divergence; from a tenth of the run on it settles): `weights_growing`
/// (e.g. an unstable learning rate, no weight decay on a divergent run) or `weights_shrinking`
/// (weight decay or L2 too strong, pulling every weight to 0). A norm below `zero` (default
/// 1e-8) at the last record is `weights_at_zero`: the layer computes only its bias.
public struct WeightTrendDetector: Detector {
    public let factor: Double
    public let zero: Double

    public init(factor: Double = 10, zero: Double = 1e-8) {
        self.factor = factor
        self.zero = zero
    }

    public func detect(_ records: [StepRecord]) -> Finding? {
        for (path, kind, series) in layerSeries(records) {
            let norms = series.compactMap { entry in entry.layer.weightNorm.map { (entry.step, $0) } }.filter { $0.1.isFinite }
            guard let first = norms.first, let last = norms.last else { continue }
            if last.1 < zero {
                return Finding(
                    kind: .weightsAtZero, layer: path, firstStep: norms.first { $0.1 < zero }!.0, evidence: ["weight_norm": last.1],
                    explanation: "The weights of layer \(path) (\(kind)) are all 0: the layer passes no signal forward and no "
                        + "gradient back to its inputs. Cause: zero initialisation (or a decay that drove them there). "
                        + "Remedy: random initialisation.")
            }
            guard norms.count >= 5, first.1 > 0 else { continue }
            let settled = Array(norms[(norms.count / 10)...])
            guard settled[0].1 > 0 else { continue }
            let change = last.1 / settled[0].1
            let steps = zip(settled.dropFirst(), settled).map { $0.1 - $1.1 }
            let growing = Double(steps.filter { $0 > 0 }.count) / Double(steps.count)
            if change >= factor && growing >= 0.8 || change <= 1 / factor && growing <= 0.2 {
                let up = change > 1
                return Finding(
                    kind: up ? .weightsGrowing : .weightsShrinking, layer: path, firstStep: settled[0].0,
                    evidence: ["weight_norm_first": settled[0].1, "weight_norm_last": last.1, "change": change],
                    explanation: String(format: "The weight norm of layer %@ (%@) went %@ from %.3g to %.3g (×%.3g) from step %ld on, "
                        + "step after step. %@", path, kind, up ? "up" : "down", settled[0].1, last.1, change, settled[0].0,
                        up ? "Weights that keep growing make activations and gradients grow with them (towards overflow): "
                            + "lower the learning rate, clip gradients, add weight decay."
                           : "Weights that keep shrinking erase the layer's signal: weight decay or L2 is too strong for "
                            + "the learning rate."))
            }
        }
        return nil
    }
}
