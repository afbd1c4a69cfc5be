import Foundation
import Monitor

/// `vanishing_gradient`: the gradient that reaches the first weighted layer is a tiny fraction of
/// the one at the last (‖∂L/∂a‖ ratio first/last below `threshold`, default 1e-3) in at least
/// half of the recorded steps.
///
/// Why 1e-3: He or Xavier initialisation keeps the ratio within about 10^±0.5 at any depth
/// (`gradguard flow` measures 1.6 for ReLU + Kaiming and 2.3 for tanh + Xavier over 10 layers),
/// while sigmoid's σ′ ≤ 0.25 alone gives 0.25⁵ ≈ 1e-3 after five layers (source article 002). A ratio of
/// 1e-3 means the first layer learns about a thousand times slower than the last. AUTOTRAINER
/// (Zhang et al., ICSE 2021) compares the same two layers' gradients; requiring half of the
/// records (not one) keeps a single unlucky batch from counting.
public struct VanishingGradientDetector: Detector {
    public let threshold: Double

    public init(threshold: Double = 1e-3) { self.threshold = threshold }

    public func detect(_ records: [StepRecord]) -> Finding? {
        guard let low = SustainedRatio(records, where: { $0 < threshold }) else { return nil }
        let median = low.matching.sorted()[low.matching.count / 2]
        return Finding(
            kind: .vanishingGradient, layer: low.layer.path, firstStep: low.record.step, axis: .depth,
            evidence: ["grad_norm_ratio_first_last": low.ratio, "median_ratio": median, "weighted_layers": Double(low.depth)],
            explanation: String(format: "The gradient reaching layer %@ (%@) is %.1e of the one at the last layer: each of "
                + "the %d layers between multiplies it by about %.2f, so the first layers barely learn. "
                + "Typical causes: sigmoid/tanh derivatives (σ′ ≤ 0.25) and weights too small for the depth.",
                low.layer.path, low.layer.kind, low.ratio, low.depth - 1, low.perLayerFactor))
    }
}

/// `exploding_gradient`: either the gradient grows toward the input (‖∂L/∂a‖ ratio first/last
/// above `ratioThreshold`, default 1e3, in half the records: the mirror of vanishing), or the
/// global gradient norm grows exponentially before any NaN — a least-squares slope of
/// log₁₀‖g‖ above `slopeThreshold` (default 0.1 decades per step, ×10 every 10 steps) over a
/// window of `window` records (default 10) that ends at least 100× above the run's level before
/// it (the median of the up to 100 norms that end with the window's first, so a window that
/// starts in a dip of a few saturated batches does not count) and rises in at least 80 % of its
/// steps. The last condition separates a run-away from mini-batch noise: a cross-entropy
/// gradient can differ 1000-fold between an easy and a hard batch, but noise rises only about
/// half of the time. Third, a blow-up too fast for a window: in a run that reaches NaN/∞, the
/// last finite gradient norm before it is at least `blowUp` (default 1e6) times the first
/// record's — no batch-to-batch noise spans six decades.
public struct ExplodingGradientDetector: Detector {
    public let ratioThreshold: Double
    public let slopeThreshold: Double
    public let window: Int

    public let blowUp: Double

    public init(ratioThreshold: Double = 1e3, slopeThreshold: Double = 0.1, window: Int = 10, blowUp: Double = 1e6) {
        self.ratioThreshold = ratioThreshold
        self.slopeThreshold = slopeThreshold
        self.window = window
        self.blowUp = blowUp
    }

    public func detect(_ records: [StepRecord]) -> Finding? {
        if let high = SustainedRatio(records, where: { $0 > ratioThreshold }) {
            return Finding(
                kind: .explodingGradient, layer: high.layer.path, firstStep: high.record.step, axis: .depth,
                evidence: ["grad_norm_ratio_first_last": high.ratio, "weighted_layers": Double(high.depth)],
                explanation: String(format: "The gradient reaching layer %@ (%@) is %.1e times the one at the last layer: "
                    + "each layer multiplies it by about %.2f. Weights too large for the depth (or a high learning rate) "
                    + "make each layer amplify the gradient (1.2⁵⁰ ≈ 9100).",
                    high.layer.path, high.layer.kind, high.ratio, high.perLayerFactor))
        }
        if let blown = blownUpBeforeNaN(records) { return blown }
        let finite = records.filter { $0.totalGradNorm.isFinite && $0.totalGradNorm > 0 }
        guard finite.count >= window else { return nil }
        for start in 0...(finite.count - window) {
            let slice = Array(finite[start..<(start + window)])
            let logs = slice.map { log10($0.totalGradNorm) }
            let slope = Self.slope(logs)
            // The run's level before the window: a bounded trailing median, so long runs stay linear.
            let trailing = finite[Swift.max(0, start - 99)...start].map(\.totalGradNorm).sorted()
            let level = trailing[trailing.count / 2]
            let growth = slice.last!.totalGradNorm / level
            let rises = zip(slice.dropFirst(), slice).filter { $0.totalGradNorm > $1.totalGradNorm }.count
            if slope > slopeThreshold && growth >= 100 && Double(rises) >= 0.8 * Double(window - 1) {
                return Finding(
                    kind: .explodingGradient, layer: nil, firstStep: slice.first!.step, axis: .depth,
                    evidence: ["log10_norm_slope_per_step": slope, "growth": growth, "total_grad_norm": slice.last!.totalGradNorm],
                    explanation: String(format: "Within %d steps the gradient norm rose to %.0f times its earlier level (%.2f decades per step) — "
                        + "exponential growth that ends in overflow (NaN) if nothing stops it.", window, growth, slope))
            }
        }
        return nil
    }

    /// The blow-up rule: the finite records before the first non-finite one, whose last gradient
    /// norm is `blowUp` times the first's. Through time when a recurrent layer's first/last
    /// time-step ratio already exceeded 10 at the first record.
    func blownUpBeforeNaN(_ records: [StepRecord]) -> Finding? {
        guard let nan = records.firstIndex(where: { !$0.loss.isFinite || !$0.totalGradNorm.isFinite || $0.layers.contains { $0.nonFiniteCount > 0 } }),
              nan >= 2 else { return nil }
        let before = records[..<nan].filter { $0.totalGradNorm > 0 }
        guard let first = before.first, let last = before.last, last.step > first.step, last.totalGradNorm >= blowUp * first.totalGradNorm
        else { return nil }
        let throughTime = first.layers.contains { layer in
            guard let h = layer.hiddenGradNorms, h.count >= 2, let end = h.last, end > 0 else { return false }
            return h[0] / end > 10
        }
        let growth = last.totalGradNorm / first.totalGradNorm
        return Finding(
            kind: .explodingGradient, layer: nil, firstStep: first.step, axis: throughTime ? .time : .depth,
            evidence: ["growth": growth, "total_grad_norm": last.totalGradNorm, "steps_before_nan": Double(records[nan].step - first.step)],
            explanation: String(format: "The gradient norm grew %.1e-fold in %d steps, then the values overflowed (NaN/∞ at step %d)%@. "
                + "Remedies: gradient-norm clipping (Pascanu et al. 2013), a lower learning rate, weights that keep the scale.",
                growth, last.step - first.step, records[nan].step,
                throughTime ? ", growing through time in the recurrent layer" : ""))
    }

    /// The least-squares slope of `values` against their index.
    static func slope(_ values: [Double]) -> Double {
        let n = Double(values.count), meanX = (n - 1) / 2, meanY = values.reduce(0, +) / n
        var num = 0.0, den = 0.0
        for (i, y) in values.enumerated() {
            num += (Double(i) - meanX) * (y - meanY)
            den += (Double(i) - meanX) * (Double(i) - meanX)
        }
        return den > 0 ? num / den : 0
    }
}
