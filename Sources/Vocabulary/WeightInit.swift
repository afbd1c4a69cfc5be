import Initializers
import Optimizers

/// The `init` of a `linear` or recurrent layer in an experiment file: PyTorch's default
/// (`"default"`, also when `init` is absent: weights and biases U(±1/√fan_in)), or an
/// initialiser for the weights with biases at zero.
public enum WeightInit: Equatable, Hashable, Sendable {
    case pytorchDefault
    case weights(Initializer)

    /// The name used in experiment files and repair reports.
    public var name: String {
        switch self {
        case .pytorchDefault: "default"
        case .weights(let i):
            switch i {
            case .zeros: "zeros"
            case .constant(let v): "constant(\(v))"
            case .uniform(let lo, let hi): "uniform(\(lo), \(hi))"
            case .normal(let m, let s): "normal(mean \(m), std \(s))"
            case .xavierUniform(let g): g == 1 ? "xavier_uniform" : "xavier_uniform(gain \(g))"
            case .xavierNormal(let g): g == 1 ? "xavier_normal" : "xavier_normal(gain \(g))"
            case .kaimingUniform: "kaiming_uniform"
            case .kaimingNormal: "kaiming_normal"
            case .orthogonal(let g): g == 1 ? "orthogonal" : "orthogonal(gain \(g))"
            case .lecunNormal: "lecun_normal"
            case .lecunUniform: "lecun_uniform"
            }
        }
    }
}

extension WeightInit: Decodable {
    /// Every `type` an init object may have (the names alone are `names`' keys).
    public enum Kind: String, CaseIterable, Sendable {
        case constant, uniform, normal, kaimingNormal = "kaiming_normal", kaimingUniform = "kaiming_uniform"
        case xavierUniform = "xavier_uniform", xavierNormal = "xavier_normal", orthogonal, zeros
        case lecunNormal = "lecun_normal", lecunUniform = "lecun_uniform", pytorchDefault = "default"
    }

    static let names: [String: WeightInit] = [
        "zeros": .weights(.zeros), "xavier_uniform": .weights(.xavierUniform()), "xavier_normal": .weights(.xavierNormal()),
        "kaiming_uniform": .weights(.kaimingUniform(nonlinearity: .relu)),
        "kaiming_normal": .weights(.kaimingNormal(nonlinearity: .relu)),
        "orthogonal": .weights(.orthogonal()), "lecun_normal": .weights(.lecunNormal),
        "lecun_uniform": .weights(.lecunUniform), "default": .pytorchDefault,
    ]

    /// A name (`"kaiming_normal"`; Kaiming names mean fan_in and ReLU's gain √2) or an object
    /// (`{"type": "normal", "mean": 0, "std": 0.05}`, `{"type": "kaiming_normal", "mode": "fan_out",
    /// "nonlinearity": "relu"}`, `{"type": "xavier_uniform", "gain": 1}`, `{"type": "orthogonal", "gain"}`,
    /// `{"type": "constant", "value"}`, `{"type": "uniform", "low", "high"}`).
    public init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            guard let known = Self.names[name] else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath,
                    debugDescription: KeyedDecodingContainer<SpecKey>.unknown("init", name, known: Self.names.keys.sorted())))
            }
            self = known
            return
        }
        let c = try decoder.container(keyedBy: SpecKey.self)
        let kind = try c.named("type", "init", as: Kind.self)
        let type = kind.rawValue
        func only(_ keys: Set<String>) throws { try c.rejectUnknownKeys(keys.union(["type"]), in: "\(type) init") }
        func gain() throws -> Double {
            let g = try c.optional("gain", Double.self) ?? 1
            guard g > 0, g.isFinite else { throw c.fail("gain", "expected a positive number, got \(g)") }
            return g
        }
        func kaiming() throws -> (FanMode, Nonlinearity) {
            try only(["mode", "nonlinearity", "a"])
            let modeName = try c.optional("mode", String.self) ?? "fan_in"
            guard let mode = FanMode(rawValue: modeName) else { throw c.fail("mode", "expected fan_in or fan_out, got \"\(modeName)\"") }
            let name = try c.optional("nonlinearity", String.self) ?? "leaky_relu"
            guard let f = Nonlinearity(name: name, negativeSlope: try c.optional("a") ?? 0) else {
                throw c.fail("nonlinearity", "unknown nonlinearity \"\(name)\"")
            }
            return (mode, f)
        }
        switch kind {
        case .zeros, .lecunNormal, .lecunUniform, .pytorchDefault:
            try only([])
            self = Self.names[type]!
        case .constant:
            try only(["value"])
            self = .weights(.constant(try c.required("value")))
        case .uniform:
            try only(["low", "high"])
            let low = try c.optional("low", Double.self) ?? 0, high = try c.optional("high", Double.self) ?? 1
            guard low < high else { throw c.fail("high", "expected high > low, got low \(low), high \(high)") }
            self = .weights(.uniform(low: low, high: high))
        case .normal:
            try only(["mean", "std"])
            let std = try c.optional("std", Double.self) ?? 1
            guard std >= 0, std.isFinite else { throw c.fail("std", "expected a number ≥ 0, got \(std)") }
            self = .weights(.normal(mean: try c.optional("mean") ?? 0, std: std))
        case .kaimingNormal:
            let (mode, f) = try kaiming()
            self = .weights(.kaimingNormal(mode: mode, nonlinearity: f))
        case .kaimingUniform:
            let (mode, f) = try kaiming()
            self = .weights(.kaimingUniform(mode: mode, nonlinearity: f))
        case .xavierUniform:
            try only(["gain"])
            self = .weights(.xavierUniform(gain: try gain()))
        case .xavierNormal:
            try only(["gain"])
            self = .weights(.xavierNormal(gain: try gain()))
        case .orthogonal:
            try only(["gain"])
            self = .weights(.orthogonal(gain: try gain()))
        }
    }
}
