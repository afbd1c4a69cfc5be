import Autodiff
import TensorCore

/// RMSprop (Hinton, Coursera lecture 6e; centered form from Graves 2013), exactly
/// `torch.optim.RMSprop`: `g ← ∇ + λθ`; `v ← αv + (1 − α)g²`; centered: `m ← αm + (1 − α)g`,
/// `d = √(v − m²) + ε`, else `d = √v + ε`; with momentum `b ← μb + g/d`, `θ ← θ − ηb`,
/// else `θ ← θ − ηg/d`.
public final class RMSprop<Scalar: TensorScalar>: Optimizer<Scalar> {
    public let alpha: Double
    public let epsilon: Double
    public let weightDecay: Double
    public let momentum: Double
    public let centered: Bool
    private var squareAverages: StateBuffers<Scalar>
    private var gradientAverages: StateBuffers<Scalar>
    private var momentumBuffers: StateBuffers<Scalar>

    /// PyTorch's defaults: lr 0.01, alpha 0.99, eps 1e-8, weight_decay 0, momentum 0, not centered.
    public init(
        parameters: [Variable<Scalar>], learningRate: Double = 0.01, alpha: Double = 0.99, epsilon: Double = 1e-8,
        weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false
    ) throws(HyperparameterError) {
        try HyperparameterError.check(alpha >= 0 && alpha <= 1, "rmsprop", "alpha", "in [0, 1]", alpha)
        try HyperparameterError.check(epsilon > 0, "rmsprop", "eps", "> 0", epsilon)
        try HyperparameterError.check(weightDecay >= 0, "rmsprop", "weight_decay", "≥ 0", weightDecay)
        try HyperparameterError.check(momentum >= 0, "rmsprop", "momentum", "≥ 0", momentum)
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        squareAverages = StateBuffers(parameters)
        gradientAverages = StateBuffers(parameters)
        momentumBuffers = StateBuffers(parameters)
        try super.init(parameters: parameters, learningRate: learningRate, name: "rmsprop")
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override func update(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>) {
        let lr = Scalar(learningRate), a = Scalar(alpha), eps = Scalar(epsilon)
        let wd = Scalar(weightDecay), mu = Scalar(momentum)
        value.updating(with: gradient) { p, g in
            squareAverages.with(index) { v in
                gradientAverages.with(index, if: centered) { m in
                    momentumBuffers.with(index, if: mu > 0) { b in
                        for i in 0..<p.count {
                            let d = g[i] + wd * p[i]
                            v[i] = a * v[i] + (1 - a) * d * d
                            var denominator = v[i].squareRoot() + eps
                            if let m {
                                m[i] += (1 - a) * (d - m[i])
                                denominator = (v[i] - m[i] * m[i]).squareRoot() + eps
                            }
                            if let b {
                                b[i] = mu * b[i] + d / denominator
                                p[i] -= lr * b[i]
                            } else {
                                p[i] -= lr * d / denominator
                            }
                        }
                    }
                }
            }
        }
    }

    public override func restoreBuffers(_ state: [String: [Tensor<Scalar>?]]) {
        squareAverages.load(state["square_avg"])
        gradientAverages.load(state["grad_avg"])
        momentumBuffers.load(state["momentum_buffer"])
    }

    public override var state: [String: [Tensor<Scalar>?]] {
        ["square_avg": squareAverages.tensors, "grad_avg": gradientAverages.tensors, "momentum_buffer": momentumBuffers.tensors]
    }
}
