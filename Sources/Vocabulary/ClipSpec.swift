import Optimizers

/// Clipping as a file names it: `{"type": "norm", "max_norm": 1.0, "norm_type": 2 | "inf"}`,
/// `{"type": "value", "clip_value": c}`, `{"type": "per_parameter", "max_norm": m}`, each with an
/// optional `"non_finite": "error" | "skip" | "propagate"` (default `skip`).
public struct ClipSpec: Decodable, Equatable, Sendable {
    /// The clipping types a file may name.
    public enum Kind: String, CaseIterable, Sendable { case norm, value, perParameter = "per_parameter" }

    public var rule: ClipRule
    public var nonFinite: NonFinitePolicy

    public init(rule: ClipRule, nonFinite: NonFinitePolicy = .skip) {
        self.rule = rule
        self.nonFinite = nonFinite
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: SpecKey.self)
        switch try c.named("type", "clip type", as: Kind.self) {
        case .norm:
            try c.rejectUnknownKeys(["type", "max_norm", "norm_type", "non_finite"], in: "norm clipping")
            let normType: ClipRule.NormType
            if let text = try? c.optional("norm_type", String.self) {
                guard ["inf", "infinity"].contains(text.lowercased()) else {
                    throw DecodingError.dataCorruptedError(forKey: SpecKey("norm_type"), in: c, debugDescription: "expected 2 or \"inf\", got \"\(text)\"")
                }
                normType = .infinity
            } else {
                let p = try c.optional("norm_type", Double.self) ?? 2
                guard p == 2 else {
                    throw DecodingError.dataCorruptedError(forKey: SpecKey("norm_type"), in: c, debugDescription: "expected 2 or \"inf\", got \(p)")
                }
                normType = .l2
            }
            rule = .norm(maxNorm: try c.decode(Double.self, forKey: SpecKey("max_norm")), normType: normType)
        case .value:
            try c.rejectUnknownKeys(["type", "clip_value", "non_finite"], in: "value clipping")
            rule = .value(clipValue: try c.decode(Double.self, forKey: SpecKey("clip_value")))
        case .perParameter:
            try c.rejectUnknownKeys(["type", "max_norm", "non_finite"], in: "per-parameter clipping")
            rule = .perParameter(maxNorm: try c.decode(Double.self, forKey: SpecKey("max_norm")))
        }
        nonFinite = try c.named("non_finite", "non_finite policy", default: FileDefaults.nonFinitePolicy)
    }

    /// The clipper this spec describes.
    public func makeClipper() throws(HyperparameterError) -> GradientClipper {
        try GradientClipper(rule: rule, nonFinite: nonFinite)
    }
}
