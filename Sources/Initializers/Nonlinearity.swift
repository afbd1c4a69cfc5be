/// The nonlinearity an initialiser's gain is computed for: PyTorch's `calculate_gain` table.
public enum Nonlinearity: Sendable, Equatable, Hashable {
    /// Also PyTorch's `conv1d`…`conv_transpose3d`: gain 1.
    case linear
    case sigmoid
    case tanh
    case relu
    /// `leaky_relu` with its negative slope (PyTorch's `param`, default 0.01).
    case leakyReLU(negativeSlope: Double = 0.01)
    case selu

    /// The recommended gain (PyTorch `torch.nn.init.calculate_gain`): 1 for linear and sigmoid,
    /// 5/3 for tanh, √2 for ReLU, √(2 / (1 + slope²)) for leaky ReLU, 3/4 for SELU.
    public var gain: Double {
        switch self {
        case .linear, .sigmoid: 1
        case .tanh: 5.0 / 3.0
        case .relu: 2.0.squareRoot()
        case .leakyReLU(let slope): (2 / (1 + slope * slope)).squareRoot()
        case .selu: 0.75
        }
    }

    /// Parses PyTorch's names (`"relu"`, `"leaky_relu"`, `"conv2d"`, …); nil for an unknown one.
    public init?(name: String, negativeSlope: Double = 0.01) {
        switch name {
        case "linear", "identity", "conv1d", "conv2d", "conv3d",
             "conv_transpose1d", "conv_transpose2d", "conv_transpose3d":
            self = .linear
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "relu": self = .relu
        case "leaky_relu": self = .leakyReLU(negativeSlope: negativeSlope)
        case "selu": self = .selu
        default: return nil
        }
    }
}

/// Which fan Kaiming initialisation preserves: `fanIn` keeps forward activations' variance,
/// `fanOut` keeps the backward gradients' variance.
public enum FanMode: String, Sendable, Equatable, Hashable {
    case fanIn = "fan_in"
    case fanOut = "fan_out"
}
