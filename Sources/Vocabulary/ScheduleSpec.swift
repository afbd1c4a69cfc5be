import Optimizers

/// A schedule as a file names it: `{"type": "step", "step_size", "gamma"}`,
/// `{"type": "exponential", "gamma"}`, `{"type": "cosine", "t_max", "eta_min"}`,
/// `{"type": "plateau", "factor", "patience", "threshold", "cooldown", "min_lr"}`.
public struct ScheduleSpec: Decodable, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case step(stepSize: Int, gamma: Double)
        case exponential(gamma: Double)
        case cosine(tMax: Int, etaMin: Double)
        case plateau(factor: Double, patience: Int, threshold: Double, cooldown: Int, minLR: Double)
    }

    /// The schedule types a file may name.
    public enum Name: String, CaseIterable, Sendable { case step, exponential, cosine, plateau }

    public var kind: Kind

    public init(kind: Kind) { self.kind = kind }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: SpecKey.self)
        switch try c.named("type", "schedule", as: Name.self) {
        case .step:
            try c.rejectUnknownKeys(["type", "step_size", "gamma"], in: "step schedule")
            kind = .step(stepSize: try c.decode(Int.self, forKey: SpecKey("step_size")), gamma: try c.optional("gamma") ?? 0.1)
        case .exponential:
            try c.rejectUnknownKeys(["type", "gamma"], in: "exponential schedule")
            kind = .exponential(gamma: try c.decode(Double.self, forKey: SpecKey("gamma")))
        case .cosine:
            try c.rejectUnknownKeys(["type", "t_max", "eta_min"], in: "cosine schedule")
            kind = .cosine(tMax: try c.decode(Int.self, forKey: SpecKey("t_max")), etaMin: try c.optional("eta_min") ?? 0)
        case .plateau:
            try c.rejectUnknownKeys(["type", "factor", "patience", "threshold", "cooldown", "min_lr"], in: "plateau schedule")
            kind = .plateau(factor: try c.optional("factor") ?? 0.1, patience: try c.optional("patience") ?? 10,
                            threshold: try c.optional("threshold") ?? 1e-4, cooldown: try c.optional("cooldown") ?? 0,
                            minLR: try c.optional("min_lr") ?? 0)
        }
    }

    /// The schedule starting from `baseLearningRate`.
    public func make(baseLearningRate: Double) throws(HyperparameterError) -> any LearningRateSchedule {
        switch kind {
        case .step(let size, let gamma): try StepDecay(baseLearningRate: baseLearningRate, stepSize: size, gamma: gamma)
        case .exponential(let gamma): try ExponentialDecay(baseLearningRate: baseLearningRate, gamma: gamma)
        case .cosine(let tMax, let etaMin): try CosineAnnealing(baseLearningRate: baseLearningRate, tMax: tMax, minimumLearningRate: etaMin)
        case .plateau(let f, let p, let t, let c, let m):
            try ReduceOnPlateau(baseLearningRate: baseLearningRate, factor: f, patience: p, threshold: t, cooldown: c, minimumLearningRate: m)
        }
    }
}
