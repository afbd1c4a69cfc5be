import TensorCore

/// A weight-initialisation scheme with PyTorch's formulas and defaults (`torch.nn.init`).
///
/// Fans follow PyTorch: for a weight `[out, in, k…]`, `fanIn = in · Πk`, `fanOut = out · Πk`.
public enum Initializer: Sendable, Equatable, Hashable {
    case zeros
    case constant(Double)
    /// U(low, high).
    case uniform(low: Double = 0, high: Double = 1)
    /// N(mean, std²).
    case normal(mean: Double = 0, std: Double = 1)
    /// U(±gain·√(6 / (fanIn + fanOut))) (Glorot & Bengio 2010).
    case xavierUniform(gain: Double = 1)
    /// N(0, gain²·2 / (fanIn + fanOut)) (Glorot & Bengio 2010).
    case xavierNormal(gain: Double = 1)
    /// U(±√3·gain/√fan) (He et al. 2015); PyTorch's defaults: fan_in, leaky_relu with a = 0.
    case kaimingUniform(mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyReLU(negativeSlope: 0))
    /// N(0, gain²/fan) (He et al. 2015); same defaults.
    case kaimingNormal(mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyReLU(negativeSlope: 0))
    /// A (semi-)orthogonal matrix times `gain` (Saxe et al. 2014), from the QR decomposition
    /// of a normal matrix with signs fixed so the result is unique, as PyTorch's `orthogonal_`.
    case orthogonal(gain: Double = 1)
    /// N(0, 1/fanIn) (LeCun et al. 1998; the init SELU assumes), equal to PyTorch's
    /// `kaiming_normal_(mode="fan_in", nonlinearity="linear")`.
    case lecunNormal
    /// U(±√(3/fanIn)) (LeCun et al. 1998; Keras's `lecun_uniform`): variance 1/fanIn, as `lecunNormal`.
    case lecunUniform

    /// PyTorch's default `nn.Linear` weight: `kaiming_uniform_(a=√5)`, i.e. U(±1/√fanIn).
    public static let pytorchLinearWeight = Initializer.kaimingUniform(
        mode: .fanIn, nonlinearity: .leakyReLU(negativeSlope: 5.0.squareRoot()))

    /// PyTorch's default `nn.Linear` bias: U(±1/√fanIn) with the weight's fan-in.
    public static func pytorchLinearBias(fanIn: Int) -> Initializer {
        let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
        return .uniform(low: -bound, high: bound)
    }

    /// PyTorch's default for every `nn.RNN` / `nn.LSTM` / `nn.GRU` weight and bias:
    /// U(±1/√hidden).
    public static func pytorchRecurrent(hidden: Int) -> Initializer { pytorchLinearBias(fanIn: hidden) }

    /// `(fanIn, fanOut)` of a weight shape (PyTorch `_calculate_fan_in_and_fan_out`; a 1-D
    /// shape counts as both).
    public static func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(!shape.isEmpty, "Initializer: fans need at least one dimension")
        if shape.count == 1 { return (shape[0], shape[0]) }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// A new tensor of `shape` drawn from this scheme.
    public func tensor<Scalar: TensorScalar>(shape: [Int], using rng: inout RandomGenerator) -> Tensor<Scalar> {
        switch self {
        case .zeros: return Tensor(zeros: shape)
        case .constant(let v): return Tensor(repeating: Scalar(v), shape: shape)
        case .uniform(let low, let high): return .uniform(shape: shape, low: low, high: high, using: &rng)
        case .normal(let mean, let std): return .normal(shape: shape, mean: mean, std: std, using: &rng)
        case .xavierUniform(let gain):
            let (fanIn, fanOut) = Initializer.fans(of: shape)
            let bound = gain * (6 / Double(fanIn + fanOut)).squareRoot()
            return .uniform(shape: shape, low: -bound, high: bound, using: &rng)
        case .xavierNormal(let gain):
            let (fanIn, fanOut) = Initializer.fans(of: shape)
            return .normal(shape: shape, std: gain * (2 / Double(fanIn + fanOut)).squareRoot(), using: &rng)
        case .kaimingUniform(let mode, let nonlinearity):
            let bound = 3.0.squareRoot() * Initializer.kaimingStd(shape, mode, nonlinearity)
            return .uniform(shape: shape, low: -bound, high: bound, using: &rng)
        case .kaimingNormal(let mode, let nonlinearity):
            return .normal(shape: shape, std: Initializer.kaimingStd(shape, mode, nonlinearity), using: &rng)
        case .orthogonal(let gain):
            return Initializer.orthogonal(shape: shape, gain: gain, using: &rng)
        case .lecunNormal:
            return .normal(shape: shape, std: 1 / Double(Initializer.fans(of: shape).fanIn).squareRoot(), using: &rng)
        case .lecunUniform:
            let bound = (3 / Double(Initializer.fans(of: shape).fanIn)).squareRoot()
            return .uniform(shape: shape, low: -bound, high: bound, using: &rng)
        }
    }

    static func kaimingStd(_ shape: [Int], _ mode: FanMode, _ nonlinearity: Nonlinearity) -> Double {
        let (fanIn, fanOut) = fans(of: shape)
        let fan = mode == .fanIn ? fanIn : fanOut
        return nonlinearity.gain / Double(fan).squareRoot()
    }
}
