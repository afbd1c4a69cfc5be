import Monitor

/// Runs every detector over a run's records and orders the findings so the first is the main
/// problem (the verdict): NaN/∞ first (nothing else can be read after it), then exploding
/// gradients, then the specific causes of weak gradient flow (dead ReLUs, saturation, symmetry) before the generic symptom they produce (vanishing gradient), then weight
/// trends (zero weights included), oscillation and, last, slow convergence — the least specific symptom.
public struct Diagnoser: Sendable {
    public let detectors: [any Detector]

    /// The standard detectors, in verdict order.
    public init(detectors: [any Detector] = Diagnoser.standard) { self.detectors = detectors }

    public static let standard: [any Detector] = [
        NonFiniteDetector(), ExplodingGradientDetector(), ExplodingThroughTimeDetector(), DyingReLUDetector(), SaturationDetector(),
        GateSaturationDetector(),
        SymmetryDetector(), VanishingGradientDetector(), VanishingThroughTimeDetector(), WeightTrendDetector(),
        OscillatingLossDetector(), SlowConvergenceDetector(),
    ]

    /// Every finding, main problem first; empty for a healthy run. Where a symptom has a cause
    /// that the records show earlier, the cause comes first: a gradient that explodes before the
    /// first NaN/∞, and a gradient that vanishes through the depth no later than ReLU units die
    /// while some of it still reaches the first layer (a signal that shrinks layer after layer
    /// collapses every sample onto the same pattern, so units sit at 0 for the whole batch: they
    /// are small, not killed — He et al. 2015's 30-layer net). A ratio of exactly 0 means dead
    /// units block the gradient completely, and then they are the cause.
    public func diagnose(_ records: [StepRecord]) -> [Finding] {
        var findings = detectors.compactMap { $0.detect(records) }
        let causes: [(cause: ProblemKind, effect: ProblemKind, before: (Finding, Finding) -> Bool)] = [
            (.explodingGradient, .nonFinite, { $0.firstStep < $1.firstStep }),
            (.vanishingGradient, .dyingReLU, { $0.firstStep <= $1.firstStep && ($0.evidence["grad_norm_ratio_first_last"] ?? 0) > 0 }),
        ]
        for (cause, effect, before) in causes {
            guard let e = findings.firstIndex(where: { $0.kind == effect }),
                  let c = findings.firstIndex(where: { $0.kind == cause && before($0, findings[e]) }), c > e else { continue }
            findings.insert(findings.remove(at: c), at: e)
        }
        return findings
    }

    /// The main problem's kind, or `healthy`.
    public static func verdict(_ findings: [Finding]) -> ProblemKind { findings.first?.kind ?? .healthy }
}
