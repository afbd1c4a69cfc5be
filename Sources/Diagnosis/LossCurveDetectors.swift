import Foundation
import Monitor

/// Medians of the loss over the first and last `fraction` of the records (finite losses only).
func lossEnds(_ records: [StepRecord], fraction: Double = 0.2) -> (early: Double, late: Double, late_: [Double])? {
    let losses = records.map(\.loss).filter(\.isFinite)
    guard losses.count >= 10 else { return nil }
    let n = Swift.max(Int(Double(losses.count) * fraction), 2)
    func median(_ v: ArraySlice<Double>) -> Double { v.sorted()[v.count / 2] }
    return (median(losses.prefix(n)), median(losses.suffix(n)), Array(losses.suffix(losses.count / 2)))
}

/// `oscillating_loss`: the loss jumps up and down instead of going down. Over the second half of
/// the records: consecutive changes alternate in sign at least `signChangeShare` of the time
/// (default 0.5: random noise alternates about 2/3 of the time, a steady descent never), the
/// median step-to-step change is at least `amplitude` (default 0.3) times the median loss, and
/// the late loss is not below half the early one (no progress).
///
/// Why: mini-batch noise alone alternates but with a small amplitude once training converges;
/// a learning rate past the stable limit (2/λ_max for gradient descent on a quadratic) makes
/// each step overshoot the valley, a large jump every step while the level stays.
public struct OscillatingLossDetector: Detector {
    public let signChangeShare: Double
    public let amplitude: Double

    public init(signChangeShare: Double = 0.5, amplitude: Double = 0.3) {
        self.signChangeShare = signChangeShare
        self.amplitude = amplitude
    }

    public func detect(_ records: [StepRecord]) -> Finding? {
        guard let ends = lossEnds(records), ends.late >= 0.5 * ends.early else { return nil }
        let late = ends.late_
        let changes = zip(late.dropFirst(), late).map { $0 - $1 }
        guard changes.count >= 4 else { return nil }
        let flips = zip(changes.dropFirst(), changes).filter { $0 * $1 < 0 }.count
        let share = Double(flips) / Double(changes.count - 1)
        let medianChange = changes.map(Swift.abs).sorted()[changes.count / 2]
        let medianLoss = late.sorted()[late.count / 2]
        guard share >= signChangeShare, medianLoss > 0, medianChange >= amplitude * medianLoss else { return nil }
        let start = records.count - records.count / 2
        return Finding(
            kind: .oscillatingLoss, layer: nil, firstStep: records[Swift.min(start, records.count - 1)].step,
            evidence: ["sign_change_share": share, "relative_amplitude": medianChange / medianLoss,
                       "loss_early": ends.early, "loss_late": ends.late],
            explanation: String(format: "The loss jumps by %.0f%% of its level from step to step, up and down (%.0f%% of "
                + "the changes reverse direction), and is no lower than it was (%.3g → %.3g): each update overshoots. "
                + "Remedies: a lower learning rate, gradient clipping, Adam.", 100 * medianChange / medianLoss, 100 * share,
                ends.early, ends.late))
    }
}

/// `slow_convergence`: the loss stalls (the late median is above `stall` × the early median,
/// default 0.9: under 10 % progress over the whole run) while the updates are tiny (the median
/// update/weight ratio ‖ΔW‖/‖W‖ over layers and records is below `updateRatio`, default 1e-4).
///
/// Why 1e-4: a healthy update moves weights by about 1e-3 of their size per step (Karpathy,
/// CS231n "ratio of weights:updates"); ten times less and a run of hundreds of steps moves the
/// weights by a few percent at most. Requiring small updates keeps a run whose loss cannot go
/// down (pure noise targets, as the seed 001 example) from counting as slow.
public struct SlowConvergenceDetector: Detector {
    public let stall: Double
    public let updateRatio: Double

    public init(stall: Double = 0.9, updateRatio: Double = 1e-4) {
        self.stall = stall
        self.updateRatio = updateRatio
    }

    public func detect(_ records: [StepRecord]) -> Finding? {
        guard let ends = lossEnds(records), ends.early > 0, ends.late > stall * ends.early else { return nil }
        let ratios = records.flatMap { $0.layers.compactMap(\.updateRatio) }.filter(\.isFinite).sorted()
        guard !ratios.isEmpty else { return nil }
        let median = ratios[ratios.count / 2]
        guard median < updateRatio else { return nil }
        return Finding(
            kind: .slowConvergence, layer: nil, firstStep: records[0].step,
            evidence: ["loss_early": ends.early, "loss_late": ends.late, "median_update_ratio": median],
            explanation: String(format: "The loss went from %.3g to %.3g (%.1f%% progress) while each step moved the weights "
                + "by only %.1e of their size (healthy: about 1e-3). Causes: a learning rate too low, or gradients too "
                + "small to move the weights. Remedies: a higher learning rate, Adam, better initialisation.",
                ends.early, ends.late, 100 * (1 - ends.late / ends.early), median))
    }
}
