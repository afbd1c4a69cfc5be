/// Clipping as a file names it: `{"type": "norm", "max_norm": 1.0, "norm_type": 2 | "inf"}`,
/// `{"type": "value", "clip_value": c}`, `{"type": "per_parameter", "max_norm": m}`, each with an
/// optional `"non_finite": "error" | "skip" | "propagate"` (default `skip`).
public struct ClipSpec: Decodable, Equatable, Sendable {
    public var rule: ClipRule
    public var nonFinite: NonFinitePolicy

    public init(rule: ClipRule, nonFinite: NonFinitePolicy = .skip) {
        self.rule = rule
        self.nonFinite = nonFinite
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: SpecKey.self)
        let type = try c.decode(String.self, forKey: SpecKey("type"))
        switch type {
        case "norm":
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
        case "value":
            try c.rejectUnknownKeys(["type", "clip_value", "non_finite"], in: "value clipping")
            rule = .value(clipValue: try c.decode(Double.self, forKey: SpecKey("clip_value")))
        case "per_parameter":
            try c.rejectUnknownKeys(["type", "max_norm", "non_finite"], in: "per-parameter clipping")
            rule = .perParameter(maxNorm: try c.decode(Double.self, forKey: SpecKey("max_norm")))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: SpecKey("type"), in: c, debugDescription: "unknown clip type \"\(type)\" (known: norm, value, per_parameter)")
        }
        let policy = try c.optional("non_finite", String.self) ?? "skip"
        guard let parsed = NonFinitePolicy(rawValue: policy) else {
            throw DecodingError.dataCorruptedError(
                forKey: SpecKey("non_finite"), in: c, debugDescription: "expected error, skip or propagate, got \"\(policy)\"")
        }
        nonFinite = parsed
    }

    /// The clipper this spec describes.
    public func makeClipper() throws(HyperparameterError) -> GradientClipper {
        try GradientClipper(rule: rule, nonFinite: nonFinite)
    }
}
