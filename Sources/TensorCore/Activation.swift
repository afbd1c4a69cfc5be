import CKernels
import RealModule

/// An element-wise activation function with its derivative, matching PyTorch's modules.
///
/// The derivative is what source article 002 multiplies along the chain: sigmoid's is at most 0.25,
/// tanh's at most 1, ReLU's 0 or 1 (`derivativeBound`).
public enum Activation: Sendable, Equatable, Hashable {
    case identity
    /// `1 / (1 + e⁻ˣ)`.
    case sigmoid
    case tanh
    /// `max(0, x)`; derivative 0 at x = 0 as in PyTorch.
    case relu
    /// `x` for x > 0 else `negativeSlope · x` (PyTorch default slope 0.01).
    case leakyReLU(negativeSlope: Double)
    /// `x` for x > 0 else `alpha · (eˣ − 1)` (PyTorch default alpha 1).
    case elu(alpha: Double)
    /// `scale · elu(x, alpha)` with Klambauer et al.'s constants (2017, "Self-Normalizing
    /// Neural Networks").
    case selu
    /// `x · Φ(x)`, the exact erf form (Hendrycks & Gimpel 2016), PyTorch's `GELU()`.
    case gelu
    /// `x / (1 + |x|)`.
    case softsign
    /// `log(1 + eˣ)`, linear above x = 20 as PyTorch's `Softplus()` (beta 1, threshold 20).
    case softplus

    /// SELU's λ.
    public static let seluScale = 1.0507009873554804934193349852946
    /// SELU's α.
    public static let seluAlpha = 1.6732632423543772848170429916717

    /// Every activation with its default parameters (leaky ReLU slope 0.01, ELU α 1).
    public static let standard: [Activation] = [
        .identity, .sigmoid, .tanh, .relu, .leakyReLU(negativeSlope: 0.01), .elu(alpha: 1), .selu, .gelu, .softsign, .softplus,
    ]

    /// The activation named `name` (`"relu"`, `"leaky_relu"`, …) with default parameters, or nil.
    public init?(name: String) {
        guard let found = Activation.standard.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// The PyTorch module-style name (`"leaky_relu"`, `"gelu"`, …).
    public var name: String {
        switch self {
        case .identity: "identity"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .relu: "relu"
        case .leakyReLU: "leaky_relu"
        case .elu: "elu"
        case .selu: "selu"
        case .gelu: "gelu"
        case .softsign: "softsign"
        case .softplus: "softplus"
        }
    }

    /// The supremum of |f′(x)|: the most a unit can pass back per layer.
    public var derivativeBound: Double {
        switch self {
        case .sigmoid: 0.25
        case .identity, .tanh, .relu, .softsign, .softplus: 1
        case .leakyReLU(let s): Swift.max(1, Swift.abs(s))
        case .elu(let a): Swift.max(1, a)
        case .selu: Activation.seluScale * Activation.seluAlpha
        case .gelu: 1.1289  // max of Φ(x) + xφ(x), reached at x = √2
        }
    }

    /// f(x) for one value (libm; tensors take the vectorised `KernelMath` path for sigmoid and tanh).
    @inlinable @inline(__always)
    public func value<T: TensorScalar>(_ x: T) -> T {
        switch self {
        case .identity: return x
        case .sigmoid:
            if x >= 0 { return 1 / (1 + .exp(-x)) }
            let e = T.exp(x)
            return e / (1 + e)
        case .tanh: return .tanh(x)
        case .relu: return x < 0 ? 0 : x  // PyTorch's rule: NaN and −0 pass through
        case .leakyReLU(let s): return x > 0 ? x : T(s) * x
        case .elu(let a): return x > 0 ? x : T(a) * .expMinusOne(x)
        case .selu:
            return T(Activation.seluScale) * (x > 0 ? x : T(Activation.seluAlpha) * .expMinusOne(x))
        case .gelu: return x * (1 + .erf(x / T(2).squareRoot())) / 2
        case .softsign: return x / (1 + Swift.abs(x))
        case .softplus: return x > 20 ? x : .log(onePlus: .exp(x))
        }
    }

    /// f′(x), given the input `x` and the output `y = f(x)`. Sigmoid and tanh read only `y`;
    /// the others only `x`.
    @inlinable @inline(__always)
    public func derivative<T: TensorScalar>(x: T, y: T) -> T {
        switch self {
        case .identity: return 1
        case .sigmoid: return y * (1 - y)
        case .tanh: return 1 - y * y
        case .relu: return x <= 0 ? 0 : 1  // PyTorch's threshold_backward: 1 at NaN
        case .leakyReLU(let s): return x > 0 ? 1 : T(s)
        case .elu(let a): return x > 0 ? 1 : T(a) * .exp(x)
        case .selu: return T(Activation.seluScale) * (x > 0 ? 1 : T(Activation.seluAlpha) * .exp(x))
        case .gelu:
            let cdf = (1 + T.erf(x / T(2).squareRoot())) / 2
            let pdf = T.exp(-x * x / 2) / (2 * T.pi).squareRoot()
            return cdf + x * pdf
        case .softsign:
            let d = 1 + Swift.abs(x)
            return 1 / (d * d)
        case .softplus:
            if x > 20 { return 1 }
            let z = T.exp(x)
            return z / (z + 1)
        }
    }
}

extension Tensor {
    /// The activation applied element-wise. The switch is taken once, outside the loop, so each
    /// case's loop specialises to its own formula.
    @inlinable
    public func applying(_ f: Activation) -> Tensor {
        switch f {
        case .identity: return self
        case .sigmoid: return vectorMap(Scalar.vectorSigmoid)
        case .tanh: return vectorMap(Scalar.vectorTanh)
        case .relu: return vectorMap(Scalar.vectorReLU)
        case .leakyReLU(let s): return map { Activation.leakyReLU(negativeSlope: s).value($0) }
        case .elu(let a): return map { Activation.elu(alpha: a).value($0) }
        case .selu: return map { Activation.selu.value($0) }
        case .gelu: return map { Activation.gelu.value($0) }
        case .softsign: return map { Activation.softsign.value($0) }
        case .softplus: return map { Activation.softplus.value($0) }
        }
    }

    /// A whole-array kernel applied to a copy.
    @inlinable
    func vectorMap(_ kernel: (UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>, Int) -> Void) -> Tensor {
        withUnsafeBufferPointer { src in
            Tensor(shape: shape) { out in
                if let x = src.baseAddress, let y = out.baseAddress { kernel(x, y, src.count) }
            }
        }
    }

    /// `gradient ⊙ f′` for this input and its `output` under `f`: back-propagation through an
    /// activation. ReLU selects rather than multiplies, as PyTorch's `threshold_backward`
    /// (`x ≤ 0 ? 0 : gradient`): a unit that is off passes 0 even for an infinite or NaN
    /// gradient. Float's sigmoid, tanh and ReLU take one vectorised pass (CKernels), the same
    /// bits as the two-pass rule.
    @inlinable
    public func activationBackward(_ f: Activation, output: Tensor, gradient: Tensor) -> Tensor {
        precondition(gradient.shape == shape && output.shape == shape,
                     "activationBackward: shapes \(shape), \(output.shape), \(gradient.shape) must be equal")
        let kind: Int32
        switch f {
        case .sigmoid: kind = 0
        case .tanh: kind = 1
        case .relu: kind = 2
        default: return gradient * activationDerivative(f, output: output)
        }
        guard Scalar.self == Float.self, count > 0 else {
            if f == .relu { return Tensor.zip(self, gradient, operation: "reluBackward") { x, g in x <= 0 ? 0 : g } }
            return gradient * activationDerivative(f, output: output)
        }
        return withUnsafeBufferPointer { x in
            output.withUnsafeBufferPointer { y in
                gradient.withUnsafeBufferPointer { g in
                    Tensor(shape: shape) { out in
                        func float(_ p: UnsafeBufferPointer<Scalar>) -> UnsafePointer<Float> {
                            UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: Float.self)
                        }
                        gg_activation_backward_f32(
                            float(x), float(y), float(g),
                            UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: Float.self), count, kind)
                    }
                }
            }
        }
    }

    /// f′ element-wise, given the activation's input (`self`) and output.
    @inlinable
    public func activationDerivative(_ f: Activation, output: Tensor) -> Tensor {
        switch f {
        case .identity: return Tensor(repeating: 1, shape: shape)
        case .relu: return map { Activation.relu.derivative(x: $0, y: 0) }
        case .sigmoid: return output.map { Activation.sigmoid.derivative(x: 0, y: $0) }
        case .tanh: return output.map { Activation.tanh.derivative(x: 0, y: $0) }
        case .leakyReLU(let s): return map { Activation.leakyReLU(negativeSlope: s).derivative(x: $0, y: 0) }
        case .elu(let a): return map { Activation.elu(alpha: a).derivative(x: $0, y: 0) }
        case .selu: return map { Activation.selu.derivative(x: $0, y: 0) }
        case .gelu: return map { Activation.gelu.derivative(x: $0, y: 0) }
        case .softsign: return map { Activation.softsign.derivative(x: $0, y: 0) }
        case .softplus: return map { Activation.softplus.derivative(x: $0, y: 0) }
        }
    }
}
