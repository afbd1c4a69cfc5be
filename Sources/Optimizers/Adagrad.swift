import Autodiff
import TensorCore

/// Adagrad (Duchi et al. 2011), exactly `torch.optim.Adagrad`:
/// `g ← ∇ + λθ`; `η_t = η / (1 + (t − 1)·lr_decay)`; `s ← s + g²`; `θ ← θ − η_t·g / (√s + ε)`.
/// (Seed 004's listing scales the gradient twice; this is the published algorithm.)
public final class Adagrad<Scalar: TensorScalar>: Optimizer<Scalar> {
    public let learningRateDecay: Double
    public let weightDecay: Double
    public let initialAccumulatorValue: Double
    public let epsilon: Double
    private var sums: StateBuffers<Scalar>

    /// PyTorch's defaults: lr 0.01, lr_decay 0, weight_decay 0, initial_accumulator_value 0, eps 1e-10.
    public init(
        parameters: [Variable<Scalar>], learningRate: Double = 0.01, learningRateDecay: Double = 0,
        weightDecay: Double = 0, initialAccumulatorValue: Double = 0, epsilon: Double = 1e-10
    ) throws(HyperparameterError) {
        try HyperparameterError.check(learningRateDecay >= 0, "adagrad", "lr_decay", "≥ 0", learningRateDecay)
        try HyperparameterError.check(weightDecay >= 0, "adagrad", "weight_decay", "≥ 0", weightDecay)
        try HyperparameterError.check(initialAccumulatorValue >= 0, "adagrad", "initial_accumulator_value", "≥ 0", initialAccumulatorValue)
        try HyperparameterError.check(epsilon > 0, "adagrad", "eps", "> 0", epsilon)
        self.learningRateDecay = learningRateDecay
        self.weightDecay = weightDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
        self.sums = StateBuffers(parameters)
        try super.init(parameters: parameters, learningRate: learningRate, name: "adagrad")
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override func update(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>) {
        let t = Double(parameterSteps[index])
        let clr = Scalar(learningRate / (1 + (t - 1) * learningRateDecay))
        let wd = Scalar(weightDecay), eps = Scalar(epsilon)
        value.updating(with: gradient) { p, g in
            sums.with(index, initial: Scalar(initialAccumulatorValue)) { s in
                for i in 0..<p.count {
                    let d = g[i] + wd * p[i]
                    s[i] += d * d
                    p[i] -= clr * d / (s[i].squareRoot() + eps)
                }
            }
        }
    }

    public override func restoreBuffers(_ state: [String: [Tensor<Scalar>?]]) {
        sums.load(state["sum"])
    }

    public override var state: [String: [Tensor<Scalar>?]] { ["sum": sums.tensors] }
}
