import Initializers
import Layers
import Optimizers
import TensorCore

/// One layer of an experiment's model after `mlp` entries are expanded: the reference-case
/// vocabulary (`LayerSpec`) plus the `init` of linear and recurrent layers.
public indirect enum LayerPlan: Equatable, Sendable {
    case linear(inFeatures: Int, outFeatures: Int, bias: Bool, init: WeightInit)
    case recurrent(RecurrentPlan)
    case residual(body: [LayerPlan])
    /// Activations, normalisation and dropout: layers without an `init`.
    case plain(LayerSpec)

    /// The layer, initialised from `rng`; `index` names it in errors.
    public func build<Scalar: TensorScalar>(index: Int, using rng: inout RandomGenerator) throws(ModelBuildError) -> Module<Scalar> {
        switch self {
        case .linear(let inFeatures, let outFeatures, let bias, .pytorchDefault):
            return try LayerSpec.linear(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias).build(index: index, using: &rng)
        case .linear(let inFeatures, let outFeatures, let bias, .weights(let initializer)):
            return Linear(inFeatures, outFeatures, bias: bias, weightInitializer: initializer, biasInitializer: .zeros, using: &rng)
        case .recurrent(let plan):
            return plan.build(using: &rng)
        case .residual(let body):
            do {
                return Residual(try LayerPlan.buildModel(body, using: &rng) as Sequential<Scalar>)
            } catch {
                throw .invalid(index: index, reason: "body: \(error)")
            }
        case .plain(let spec):
            return try spec.build(index: index, using: &rng)
        }
    }

    /// A `Sequential` of `plans`, initialised from `rng`.
    public static func buildModel<Scalar: TensorScalar>(_ plans: [LayerPlan], using rng: inout RandomGenerator) throws(ModelBuildError) -> Sequential<Scalar> {
        var layers: [Module<Scalar>] = []
        for (index, plan) in plans.enumerated() { layers.append(try plan.build(index: index, using: &rng)) }
        return Sequential(layers)
    }

    /// The number of trainable values, nil when it overflows `Int`.
    public var parameterCount: Int? {
        switch self {
        case .linear(let inFeatures, let outFeatures, let bias, _): LayerSpec.linear(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias).parameterCount
        case .recurrent(let plan): LayerSpec.recurrentParameterCount(cell: plan.cell, inputSize: plan.inputSize, hiddenSize: plan.hiddenSize)
        case .residual(let body): CheckedSize.sum(body.map(\.parameterCount))
        case .plain(let spec): spec.parameterCount
        }
    }

    /// Whether this is a `linear` layer.
    public var isLinear: Bool { if case .linear = self { true } else { false } }

    /// The `linear` layers in this plan, counting those inside residual bodies.
    public var linearCount: Int {
        switch self {
        case .linear: 1
        case .residual(let body): body.reduce(0) { $0 + $1.linearCount }
        case .recurrent, .plain: 0
        }
    }

    /// The activation, when this is an activation layer.
    public var activation: Activation? {
        if case .plain(.activation(let f)) = self { return f }
        return nil
    }
}

/// One entry of an experiment file's `model` list: a layer, or an `mlp` that expands to many.
package struct ModelEntry: Decodable {
    package let layers: [LayerPlan]

    static let keys: [String: [String]] = [
        "linear": ["in", "out", "bias", "init"], "batchnorm1d": ["features", "eps", "momentum"], "layernorm": ["features", "eps"],
        "residual": ["body"], "dropout": ["p"], "rnn": ["input", "hidden", "nonlinearity", "return_sequences", "init", "recurrent_init", "num_layers"],
        "lstm": ["input", "hidden", "return_sequences", "init", "recurrent_init", "forget_bias", "num_layers"],
        "gru": ["input", "hidden", "return_sequences", "init", "recurrent_init", "num_layers"],
        "leaky_relu": ["negative_slope"], "elu": ["alpha"],
        "mlp": ["sizes", "activation", "init", "batchnorm", "residual", "dropout"],
    ]

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: SpecKey.self)
        let type: String = try c.required("type")
        guard let allowed = Self.keys[type] ?? (Activation(name: type) != nil ? [] : nil) else {
            throw c.fail("type", "unknown layer type \"\(type)\" (known: \((Array(Self.keys.keys) + Activation.standard.map(\.name)).sorted().joined(separator: ", ")))")
        }
        try c.rejectUnknownKeys(Set(allowed + ["type"]), in: type)
        let initial = try c.optional("init", WeightInit.self) ?? .pytorchDefault
        switch type {
        case "linear":
            layers = [.linear(inFeatures: try c.positive("in"), outFeatures: try c.positive("out"),
                              bias: try c.optional("bias") ?? true, init: initial)]
        case "rnn", "lstm", "gru":
            _ = try c.positive("input")
            _ = try c.positive("hidden")
            guard case .recurrent(let cell, let input, let hidden, let sequences) = try LayerSpec(from: decoder) else {
                throw c.fail("type", "not a recurrent layer")
            }
            let forgetBias = try c.optional("forget_bias", Double.self)
            if let forgetBias, !forgetBias.isFinite { throw c.fail("forget_bias", "expected a finite number, got \(forgetBias)") }
            let depth = try c.positive("num_layers", default: 1, maximum: 64)
            let recurrentInit = try c.optional("recurrent_init", WeightInit.self)
            // `num_layers` stacks layers as PyTorch's does: each after the first reads the one
            // below's whole sequence of h, and only the top one honours `return_sequences`.
            layers = (0..<depth).map { level in
                .recurrent(RecurrentPlan(
                    cell: cell, inputSize: level == 0 ? input : hidden, hiddenSize: hidden,
                    returnsSequences: level == depth - 1 ? sequences : true, init: initial,
                    recurrentInit: recurrentInit, forgetBias: forgetBias))
            }
        case "residual":
            let body: [ModelEntry] = try c.required("body")
            layers = [.residual(body: body.flatMap(\.layers))]
        case "batchnorm1d", "layernorm":
            _ = try c.positive("features")
            _ = try c.number("eps", default: 1e-5, in: Double.leastNonzeroMagnitude...1, "a number in (0, 1]")
            _ = try c.number("momentum", default: 0.1, in: 0...1, "a number in [0, 1]")
            layers = [.plain(try LayerSpec(from: decoder))]
        case "dropout":
            _ = try c.number("p", default: 0.5, in: 0...1, "a probability in [0, 1]")
            layers = [.plain(try LayerSpec(from: decoder))]
        case "mlp":
            layers = try Self.mlp(c, init: initial)
        default:
            layers = [.plain(try LayerSpec(from: decoder))]
        }
        if let problem = SizeLimits.parameterProblem(CheckedSize.sum(layers.map(\.parameterCount))) {
            let key = ["linear": "out", "mlp": "sizes", "residual": "body", "batchnorm1d": "features", "layernorm": "features"][type] ?? "hidden"
            throw c.fail(key, problem)
        }
    }

    /// `mlp`: Linear layers with the activation between them (none after the last); options put
    /// BatchNorm after each hidden Linear, dropout after each hidden activation, and a shortcut
    /// around each hidden block whose width is unchanged.
    static func mlp(_ c: KeyedDecodingContainer<SpecKey>, init initial: WeightInit) throws -> [LayerPlan] {
        let sizes: [Int] = try c.required("sizes")
        guard sizes.count >= 2 else { throw c.fail("sizes", "expected at least two sizes [in, …, out], got \(sizes.count)") }
        if let (position, bad) = sizes.enumerated().first(where: { $0.element <= 0 }) {
            throw c.fail("sizes", "expected positive integers, got \(bad) at position \(position)")
        }
        let name = try c.optional("activation", String.self) ?? FileDefaults.mlpActivation
        guard let activation = Activation(name: name) else {
            throw c.fail("activation", "unknown activation \"\(name)\" (known: \(Activation.standard.map(\.name).joined(separator: ", ")))")
        }
        let batchNorm = try c.optional("batchnorm", Bool.self) ?? false
        let residual = try c.optional("residual", Bool.self) ?? false
        let dropout = try c.number("dropout", default: 0, in: 0...1, "a probability in [0, 1]")
        return MLPShape(sizes: sizes, activation: activation, init: initial, batchNorm: batchNorm, residual: residual, dropout: dropout).layers
    }
}

/// The options of an `mlp` entry and the layers they expand to.
public struct MLPShape: Equatable, Sendable {
    public var sizes: [Int]
    public var activation: Activation
    public var `init`: WeightInit
    public var batchNorm = false
    public var residual = false
    public var dropout = 0.0

    public init(sizes: [Int], activation: Activation, init: WeightInit, batchNorm: Bool = false, residual: Bool = false, dropout: Double = 0) {
        self.sizes = sizes
        self.activation = activation
        self.`init` = `init`
        self.batchNorm = batchNorm
        self.residual = residual
        self.dropout = dropout
    }

    public var layers: [LayerPlan] {
        var result: [LayerPlan] = []
        for (i, (fanIn, fanOut)) in zip(sizes, sizes.dropFirst()).enumerated() {
            let linear = LayerPlan.linear(inFeatures: fanIn, outFeatures: fanOut, bias: true, init: `init`)
            guard i < sizes.count - 2 else {
                result.append(linear)
                break
            }
            var block = [linear]
            if batchNorm { block.append(.plain(.batchNorm1d(features: fanOut, epsilon: 1e-5, momentum: 0.1))) }
            block.append(.plain(.activation(activation)))
            if dropout > 0 { block.append(.plain(.dropout(probability: dropout))) }
            if residual && fanIn == fanOut { result.append(.residual(body: block)) } else { result += block }
        }
        return result
    }
}
