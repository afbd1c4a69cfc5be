import Foundation
import Monitor

/// Medians of the loss over the first and last `fraction` of the records, and the second half
/// of the losses (finite losses only; nil with fewer than 10).
func lossEnds(_ records: [StepRecord], fraction: Double = 0.2) -> (early: Double, late: Double, lateHalf: [Double])? {
    let losses = records.map(\.loss).filter(\.isFinite)
    guard losses.count >= 10 else { return nil }
    let n = Swift.max(Int(Double(losses.count) * fraction), 2)
    func median(_ v: ArraySlice<Double>) -> Double { v.sorted()[v.count / 2] }
    return (median(losses.prefix(n)), median(losses.suffix(n)), Array(losses.suffix(losses.count / 2)))
}

/// `oscillating_loss`: the loss jumps up and down instead of settling. Over the second half of
/// the records, consecutive changes reverse direction at least `signChangeShare` of the time
/// (default 0.5: a steady descent never reverses, noise does about 2/3 of the time) and the
/// median step-to-step change is at least `amplitude` (default 0.3) times the loss at the first
/// record (before any update).
///
/// Why relative to the first loss: mini-batch noise is large relative to a small converged loss
/// (measured on digits, lr 5: late median change 0.12 at a level of 0.15) but small against
/// where training started (0.05 of ln 10); a learning rate past the stable limit (2/λ_max on a
/// quadratic) overshoots the valley every step, and the jumps stay comparable to the initial
/// loss (lr 50: 0.65 of it).
public struct OscillatingLossDetector: Detector {
    public let signChangeShare: Double
    public let amplitude: Double

    public init(signChangeShare: Double = 0.5, amplitude: Double = 0.3) {
        self.signChangeShare = signChangeShare
        self.amplitude = amplitude
    }

    public func detect(_ records: [StepRecord]) -> Finding? {
        guard let ends = lossEnds(records), let initial = records.first?.loss, initial.isFinite, initial > 0 else { return nil }
        let late = ends.lateHalf
        let changes = zip(late.dropFirst(), late).map { $0 - $1 }
        guard changes.count >= 4 else { return nil }
        let flips = zip(changes.dropFirst(), changes).filter { $0 * $1 < 0 }.count
        let share = Double(flips) / Double(changes.count - 1)
        let medianChange = changes.map(Swift.abs).sorted()[changes.count / 2]
        guard share >= signChangeShare, medianChange >= amplitude * initial else { return nil }
        let start = records.count - records.count / 2
        return Finding(
            kind: .oscillatingLoss, layer: nil, firstStep: records[Swift.min(start, records.count - 1)].step,
            evidence: ["sign_change_share": share, "median_change_over_initial_loss": medianChange / initial,
                       "initial_loss": initial, "loss_late": ends.late],
            explanation: String(format: "In the second half of training the loss still jumps by %.0f%% of its initial value "
                + "from step to step, up and down (%.0f%% of the changes reverse direction): each update overshoots the "
                + "minimum. Remedies: a lower learning rate, gradient clipping, Adam.", 100 * medianChange / initial, 100 * share))
    }
}

/// `slow_convergence`: the loss stalls (the late median is above `stall` × the early median,
/// default 0.9: under 10 % progress over the whole run) while the updates are tiny (the median
/// update/weight ratio ‖ΔW‖/‖W‖ over layers and records is below `updateRatio`, default 1e-4).
///
/// Why 1e-4: a healthy update moves weights by about 1e-3 of their size per step (Karpathy,
/// CS231n "ratio of weights:updates"); ten times less and a run of hundreds of steps moves the
/// weights by a few percent at most. Requiring small updates keeps a run whose loss cannot go
/// down (pure noise targets, as the source article 001 example) from counting as slow.
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
