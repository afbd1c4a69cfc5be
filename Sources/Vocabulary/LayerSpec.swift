import Initializers
import Layers
import TensorCore

/// One layer as a file names it: the vocabulary of the reference cases and experiment files
/// (`{"type": "linear", "in": 5, "out": 7}`, `{"type": "relu"}`, …).
public indirect enum LayerSpec: Equatable, Sendable {
    case linear(inFeatures: Int, outFeatures: Int, bias: Bool)
    case activation(Activation)
    case batchNorm1d(features: Int, epsilon: Double, momentum: Double)
    case layerNorm(features: Int, epsilon: Double)
    case residual(body: [LayerSpec])
    case dropout(probability: Double)
    /// `rnn` (`nonlinearity` tanh or relu), `lstm`, `gru`: batch-first, output the last step's
    /// h unless `return_sequences` is true (a GradGuard key; PyTorch returns both).
    case recurrent(cell: RecurrentCell, inputSize: Int, hiddenSize: Int, returnsSequences: Bool)
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

    /// The same error inside the body of layer `outer` (`model[1].body[0]: …`).
    func nested(in outer: Int) -> ModelBuildError {
        switch self {
        case .unsupported(let layer, _): .unsupported(layer: layer, index: outer)
        case .invalid(let index, let reason): .invalid(index: outer, reason: "body[\(index)]: \(reason)")
        }
    }
}

extension LayerSpec: Decodable {
    private enum Keys: String, CodingKey {
        case type, `in`, out, bias
        case negativeSlope = "negative_slope"
        case alpha, features, eps, momentum, body, p
        case input, hidden, nonlinearity
        case returnSequences = "return_sequences"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "linear":
            self = .linear(
                inFeatures: try c.decode(Int.self, forKey: .in), outFeatures: try c.decode(Int.self, forKey: .out),
                bias: try c.decodeIfPresent(Bool.self, forKey: .bias) ?? true)
        case "leaky_relu":
            self = .activation(.leakyReLU(negativeSlope: try c.decodeIfPresent(Double.self, forKey: .negativeSlope) ?? 0.01))
        case "elu": self = .activation(.elu(alpha: try c.decodeIfPresent(Double.self, forKey: .alpha) ?? 1))
        case "batchnorm1d":
            self = .batchNorm1d(features: try c.decode(Int.self, forKey: .features),
                                epsilon: try c.decodeIfPresent(Double.self, forKey: .eps) ?? 1e-5,
                                momentum: try c.decodeIfPresent(Double.self, forKey: .momentum) ?? 0.1)
        case "layernorm":
            self = .layerNorm(features: try c.decode(Int.self, forKey: .features),
                              epsilon: try c.decodeIfPresent(Double.self, forKey: .eps) ?? 1e-5)
        case "residual": self = .residual(body: try c.decode([LayerSpec].self, forKey: .body))
        case "dropout": self = .dropout(probability: try c.decodeIfPresent(Double.self, forKey: .p) ?? 0.5)
        case "rnn", "lstm", "gru":
            let cell: RecurrentCell
            switch type {
            case "lstm": cell = .lstm
            case "gru": cell = .gru
            default:
                let name = try c.decodeIfPresent(String.self, forKey: .nonlinearity) ?? "tanh"
                guard name == "tanh" || name == "relu" else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .nonlinearity, in: c, debugDescription: "rnn nonlinearity must be \"tanh\" or \"relu\", got \"\(name)\"")
                }
                cell = .rnn(nonlinearity: name == "relu" ? .relu : .tanh)
            }
            self = .recurrent(cell: cell, inputSize: try c.decode(Int.self, forKey: .input),
                              hiddenSize: try c.decode(Int.self, forKey: .hidden),
                              returnsSequences: try c.decodeIfPresent(Bool.self, forKey: .returnSequences) ?? false)
        default: self = Activation(name: type).map { .activation($0) } ?? .unsupported(type: type)
        }
    }

    /// A `Sequential` of the specified layers, initialised with PyTorch's defaults from `rng`.
    public static func buildModel<Scalar: TensorScalar>(
        _ specs: [LayerSpec], using rng: inout RandomGenerator
    ) throws(ModelBuildError) -> Sequential<Scalar> {
        var layers: [Module<Scalar>] = []
        for (index, spec) in specs.enumerated() {
            layers.append(try spec.build(index: index, using: &rng))
        }
        return Sequential(layers)
    }

    /// The number of trainable values, nil when it overflows `Int` (a negative size counts as 0:
    /// `build` reports it).
    public var parameterCount: Int? {
        switch self {
        case .linear(let inFeatures, let outFeatures, let bias):
            CheckedSize.multiplyAdd(Swift.max(inFeatures, 0), Swift.max(outFeatures, 0), bias ? Swift.max(outFeatures, 0) : 0)
        case .activation, .dropout, .unsupported: 0
        case .batchNorm1d(let features, _, _), .layerNorm(let features, _): CheckedSize.multiplyAdd(2, Swift.max(features, 0))
        case .residual(let body): CheckedSize.sum(body.map(\.parameterCount))
        case .recurrent(let cell, let inputSize, let hiddenSize, _):
            Self.recurrentParameterCount(cell: cell, inputSize: inputSize, hiddenSize: hiddenSize)
        }
    }

    /// `gates·hidden·(input + hidden + 2)`: W_ih, W_hh and both biases.
    public static func recurrentParameterCount(cell: RecurrentCell, inputSize: Int, hiddenSize: Int) -> Int? {
        CheckedSize.multiplyAdd(Swift.max(inputSize, 0), 1, Swift.max(hiddenSize, 0))
            .flatMap { CheckedSize.multiplyAdd($0, 1, 2) }
            .flatMap { CheckedSize.multiplyAdd($0, Swift.max(hiddenSize, 0)) }
            .flatMap { CheckedSize.multiplyAdd($0, cell.gateCount) }
    }

    /// This layer, initialised with PyTorch's defaults from `rng`; `index` names it in errors.
    /// A layer beyond `SizeLimits.parameters` is an error, not an allocation.
    public func build<Scalar: TensorScalar>(index: Int, using rng: inout RandomGenerator) throws(ModelBuildError) -> Module<Scalar> {
        if let problem = SizeLimits.parameterProblem(parameterCount) { throw .invalid(index: index, reason: problem) }
        switch self {
        case .linear(let inFeatures, let outFeatures, let bias):
            guard inFeatures > 0, outFeatures > 0 else {
                throw .invalid(index: index, reason: "linear sizes must be positive, got in \(inFeatures), out \(outFeatures)")
            }
            return Linear(inFeatures, outFeatures, bias: bias, using: &rng)
        case .activation(let f):
            return ActivationLayer(f)
        case .batchNorm1d(let features, let eps, let momentum):
            guard features > 0, eps > 0, (0...1).contains(momentum) else {
                throw .invalid(index: index, reason: "batchnorm1d needs features > 0, eps > 0 and momentum in [0, 1]")
            }
            return BatchNorm1d(features: features, epsilon: eps, momentum: momentum)
        case .layerNorm(let features, let eps):
            guard features > 0, eps > 0 else { throw .invalid(index: index, reason: "layernorm needs features > 0 and eps > 0") }
            return LayerNorm(features: features, epsilon: eps)
        case .residual(let body):
            do {
                return Residual(try LayerSpec.buildModel(body, using: &rng) as Sequential<Scalar>)
            } catch {
                throw error.nested(in: index)
            }
        case .dropout(let p):
            guard (0...1).contains(p) else { throw .invalid(index: index, reason: "dropout p must be in [0, 1], got \(p)") }
            return Dropout(probability: p, seed: rng.next())
        case .recurrent(let cell, let inputSize, let hiddenSize, let returnsSequences):
            guard inputSize > 0, hiddenSize > 0 else {
                throw .invalid(index: index, reason: "\(cell.name) sizes must be positive, got input \(inputSize), hidden \(hiddenSize)")
            }
            return RecurrentLayer(
                cell: cell, inputSize: inputSize, hiddenSize: hiddenSize, bias: true, returnsSequences: returnsSequences,
                inputWeightInitializer: nil, recurrentWeightInitializer: nil, biasInitializer: nil, using: &rng)
        case .unsupported(let type):
            throw .unsupported(layer: type, index: index)
        }
    }
}
