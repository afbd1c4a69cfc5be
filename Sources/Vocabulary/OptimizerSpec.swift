import Autodiff
import Optimizers
import TensorCore

/// An optimizer as a file names it: `{"type": "adam", "lr": 0.01, "betas": [0.9, 0.999]}`,
/// PyTorch's keyword names and defaults. Keys another optimizer type takes are rejected.
public struct OptimizerSpec: Decodable, Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable { case sgd, adagrad, rmsprop, adam, adamw }

    public var kind: Kind
    /// Keyword → value for every key given, except `type`.
    public var learningRate: Double?
    public var momentum: Double?
    public var dampening: Double?
    public var weightDecay: Double?
    public var nesterov: Bool?
    public var learningRateDecay: Double?
    public var initialAccumulatorValue: Double?
    public var epsilon: Double?
    public var alpha: Double?
    public var centered: Bool?
    public var betas: [Double]?
    public var amsgrad: Bool?

    public init(kind: Kind, learningRate: Double? = nil) {
        self.kind = kind
        self.learningRate = learningRate
    }

    static let keys: [Kind: Set<String>] = [
        .sgd: ["lr", "momentum", "dampening", "weight_decay", "nesterov"],
        .adagrad: ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"],
        .rmsprop: ["lr", "alpha", "eps", "weight_decay", "momentum", "centered"],
        .adam: ["lr", "betas", "eps", "weight_decay", "amsgrad"],
        .adamw: ["lr", "betas", "eps", "weight_decay", "amsgrad"],
    ]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: SpecKey.self)
        let kind = try c.named("type", "optimizer", as: Kind.self)
        try c.rejectUnknownKeys(Self.keys[kind]!.union(["type"]), in: kind.rawValue)
        self.kind = kind
        learningRate = try c.optional("lr")
        momentum = try c.optional("momentum")
        dampening = try c.optional("dampening")
        weightDecay = try c.optional("weight_decay")
        nesterov = try c.optional("nesterov")
        learningRateDecay = try c.optional("lr_decay")
        initialAccumulatorValue = try c.optional("initial_accumulator_value")
        epsilon = try c.optional("eps")
        alpha = try c.optional("alpha")
        centered = try c.optional("centered")
        betas = try c.optional("betas")
        if let betas, betas.count != 2 {
            throw DecodingError.dataCorruptedError(forKey: SpecKey("betas"), in: c, debugDescription: "expected two numbers, got \(betas.count)")
        }
        amsgrad = try c.optional("amsgrad")
    }

    /// `lr` as given, or PyTorch's default for the type (SGD 1e-3, Adagrad and RMSprop 1e-2, Adam(W) 1e-3).
    public var effectiveLearningRate: Double {
        learningRate ?? (kind == .adagrad || kind == .rmsprop ? 1e-2 : 1e-3)
    }

    /// The optimizer over `parameters`, with PyTorch's defaults for every key not given.
    public func make<Scalar>(_ parameters: [Variable<Scalar>]) throws(HyperparameterError) -> Optimizer<Scalar> {
        switch kind {
        case .sgd:
            return try SGD(parameters: parameters, learningRate: effectiveLearningRate, momentum: momentum ?? 0,
                           dampening: dampening ?? 0, weightDecay: weightDecay ?? 0, nesterov: nesterov ?? false)
        case .adagrad:
            return try Adagrad(parameters: parameters, learningRate: effectiveLearningRate,
                               learningRateDecay: learningRateDecay ?? 0, weightDecay: weightDecay ?? 0,
                               initialAccumulatorValue: initialAccumulatorValue ?? 0, epsilon: epsilon ?? 1e-10)
        case .rmsprop:
            return try RMSprop(parameters: parameters, learningRate: effectiveLearningRate, alpha: alpha ?? 0.99,
                               epsilon: epsilon ?? 1e-8, weightDecay: weightDecay ?? 0, momentum: momentum ?? 0,
                               centered: centered ?? false)
        case .adam, .adamw:
            let b = betas.map { ($0[0], $0[1]) } ?? (0.9, 0.999)
            if kind == .adam {
                return try Adam(parameters: parameters, learningRate: effectiveLearningRate, betas: b,
                                epsilon: epsilon ?? 1e-8, weightDecay: weightDecay ?? 0, amsgrad: amsgrad ?? false)
            }
            return try AdamW(parameters: parameters, learningRate: effectiveLearningRate, betas: b,
                             epsilon: epsilon ?? 1e-8, weightDecay: weightDecay ?? 1e-2, amsgrad: amsgrad ?? false)
        }
    }
}
