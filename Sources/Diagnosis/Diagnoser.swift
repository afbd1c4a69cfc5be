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
        SymmetryDetector(), VanishingGradientDetector(), VanishingThroughTimeDetector(), WeightTrendDetector(),
        OscillatingLossDetector(), SlowConvergenceDetector(),
    ]

    /// Every finding, main problem first; empty for a healthy run. A gradient that explodes
    /// before the first NaN/∞ is the cause of it, so it comes first.
    public func diagnose(_ records: [StepRecord]) -> [Finding] {
        var findings = detectors.compactMap { $0.detect(records) }
        if let nan = findings.firstIndex(where: { $0.kind == .nonFinite }),
           let exploding = findings.firstIndex(where: { $0.kind == .explodingGradient && $0.firstStep < findings[nan].firstStep }),
           exploding > nan {
            findings.insert(findings.remove(at: exploding), at: nan)
        }
        return findings
    }

    /// The main problem's kind, or `healthy`.
    public static func verdict(_ findings: [Finding]) -> ProblemKind { findings.first?.kind ?? .healthy }
}
