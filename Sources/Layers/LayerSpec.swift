import Initializers
import TensorCore

/// One layer as a file names it: the vocabulary of the reference cases and experiment files
/// (`{"type": "linear", "in": 5, "out": 7}`, `{"type": "relu"}`, …).
public indirect enum LayerSpec: Equatable, Sendable {
    case linear(inFeatures: Int, outFeatures: Int, bias: Bool)
    case activation(Activation)
    /// A layer type GradGuard does not build yet (kept so a runner can say which).
    case unsupported(type: String)
}

/// Why a model could not be built from its specification.
public enum ModelBuildError: Error, CustomStringConvertible, Equatable {
    case unsupported(layer: String, index: Int)
    case invalid(index: Int, reason: String)

    public var description: String {
        switch self {
        case .unsupported(let layer, let index): "model[\(index)]: unsupported: \(layer)"
        case .invalid(let index, let reason): "model[\(index)]: \(reason)"
        }
    }
}

extension LayerSpec: Decodable {
    private enum Keys: String, CodingKey {
        case type, `in`, out, bias
        case negativeSlope = "negative_slope"
        case alpha
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "linear":
            self = .linear(
                inFeatures: try c.decode(Int.self, forKey: .in), outFeatures: try c.decode(Int.self, forKey: .out),
                bias: try c.decodeIfPresent(Bool.self, forKey: .bias) ?? true)
        case "identity": self = .activation(.identity)
        case "sigmoid": self = .activation(.sigmoid)
        case "tanh": self = .activation(.tanh)
        case "relu": self = .activation(.relu)
        case "selu": self = .activation(.selu)
        case "gelu": self = .activation(.gelu)
        case "softsign": self = .activation(.softsign)
        case "softplus": self = .activation(.softplus)
        case "leaky_relu":
            self = .activation(.leakyReLU(negativeSlope: try c.decodeIfPresent(Double.self, forKey: .negativeSlope) ?? 0.01))
        case "elu": self = .activation(.elu(alpha: try c.decodeIfPresent(Double.self, forKey: .alpha) ?? 1))
        default: self = .unsupported(type: type)
        }
    }

    /// A `Sequential` of the specified layers, initialised with PyTorch's defaults from `rng`.
    public static func buildModel<Scalar: TensorScalar>(
        _ specs: [LayerSpec], using rng: inout RandomGenerator
    ) throws(ModelBuildError) -> Sequential<Scalar> {
        var layers: [Module<Scalar>] = []
        for (index, spec) in specs.enumerated() {
            switch spec {
            case .linear(let inFeatures, let outFeatures, let bias):
                guard inFeatures > 0, outFeatures > 0 else {
                    throw .invalid(index: index, reason: "linear sizes must be positive, got in \(inFeatures), out \(outFeatures)")
                }
                layers.append(Linear(inFeatures, outFeatures, bias: bias, using: &rng))
            case .activation(let f):
                layers.append(ActivationLayer(f))
            case .unsupported(let type):
                throw .unsupported(layer: type, index: index)
            }
        }
        return Sequential(layers)
    }
}
