import Autodiff
import CKernels
import RealModule
import TensorCore

/// Adam (Kingma & Ba 2015) with optional AMSGrad (Reddi et al. 2018), exactly `torch.optim.Adam`:
/// `g ← ∇ + λθ`; `m ← β₁m + (1 − β₁)g`; `v ← β₂v + (1 − β₂)g²`; `v̂ = max(v̂, v)` (AMSGrad);
/// `θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)`.
/// `AdamW` overrides only how weight decay is applied.
public class Adam<Scalar: TensorScalar>: Optimizer<Scalar> {
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    public let weightDecay: Double
    public let amsgrad: Bool
    private var firstMoments: StateBuffers<Scalar>
    private var secondMoments: StateBuffers<Scalar>
    private var maxSecondMoments: StateBuffers<Scalar>

    /// PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, no AMSGrad.
    public convenience init(
        parameters: [Variable<Scalar>], learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false
    ) throws(HyperparameterError) {
        try self.init(parameters: parameters, learningRate: learningRate, betas: betas, epsilon: epsilon,
                      weightDecay: weightDecay, amsgrad: amsgrad, name: "adam")
    }

    init(
        parameters: [Variable<Scalar>], learningRate: Double, betas: (Double, Double), epsilon: Double,
        weightDecay: Double, amsgrad: Bool, name: String
    ) throws(HyperparameterError) {
        try HyperparameterError.check(betas.0 >= 0 && betas.0 < 1, name, "betas[0]", "in [0, 1)", betas.0)
        try HyperparameterError.check(betas.1 >= 0 && betas.1 < 1, name, "betas[1]", "in [0, 1)", betas.1)
        try HyperparameterError.check(epsilon > 0, name, "eps", "> 0", epsilon)
        try HyperparameterError.check(weightDecay >= 0, name, "weight_decay", "≥ 0", weightDecay)
        (beta1, beta2) = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        firstMoments = StateBuffers(parameters)
        secondMoments = StateBuffers(parameters)
        maxSecondMoments = StateBuffers(parameters)
        try super.init(parameters: parameters, learningRate: learningRate, name: name)
    }

    /// The step's numbers for parameter `index`, in the precision the rule computes in: step size
    /// η/(1 − β₁ᵗ), √(1 − β₂ᵗ), β₁, β₂, ε, the coupled weight decay and the decoupled decay factor.
    func coefficients<T: BinaryFloatingPoint>(_ index: Int, as _: T.Type) -> (T, T, T, T, T, T, T) {
        let t = Double(parameterSteps[index])
        return (T(learningRate / (1 - Double.pow(beta1, t))), T((1 - Double.pow(beta2, t)).squareRoot()), T(beta1), T(beta2), T(epsilon),
                couplesWeightDecay ? T(weightDecay) : 0, couplesWeightDecay ? 1 : 1 - T(learningRate * weightDecay))
    }

    /// Weight decay as an L2 term in the gradient (Adam); AdamW decays the weights instead.
    var couplesWeightDecay: Bool { true }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override final func update(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>) {
        if Scalar.self == Float.self {
            _ = kernelUpdate(index, value: &value, gradient: gradient, measure: nil)
            return
        }
        let (stepSize, correction2, b1, b2, eps, coupled, decay) = coefficients(index, as: Scalar.self)
        value.updating(with: gradient) { p, g in
            firstMoments.with(index) { m in
                secondMoments.with(index) { v in
                    for i in 0..<p.count {
                        p[i] *= decay
                        let d = g[i] + coupled * p[i]
                        m[i] += (1 - b1) * (d - m[i])
                        v[i] = b2 * v[i] + (1 - b2) * d * d
                    }
                    if amsgrad {
                        maxSecondMoments.with(index) { vmax in
                            for i in 0..<p.count {
                                vmax[i] = Swift.max(vmax[i], v[i])
                                p[i] -= stepSize * m[i] / (vmax[i].squareRoot() / correction2 + eps)
                            }
                        }
                    } else {
                        for i in 0..<p.count { p[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2 + eps) }
                    }
                }
            }
        }
    }

    /// Float: the rule in C (the same bits as the Swift loop in `update`, which Double runs)
    /// with the step measured in the same pass.
    public override final func measuredUpdate(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>) -> StepMeasure? {
        guard Scalar.self == Float.self else { return nil }
        return kernelUpdate(index, value: &value, gradient: gradient, measure: gg_step_measure())
    }

    /// Float: the rule in C with Σ g² summed in the same pass.
    public override final func gradientSquaresUpdate(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>) -> Double? {
        guard Scalar.self == Float.self else { return nil }
        var request = gg_step_measure()
        request.gradient_only = 1
        return kernelUpdate(index, value: &value, gradient: gradient, measure: request)?.gradientSquares
    }

    /// The Float rule through CKernels' `gg_adam_f32` (a large parameter is updated by two
    /// threads), measuring the step as `request` asks, or not (nil).
    private func kernelUpdate(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>, measure request: gg_step_measure?) -> StepMeasure? {
        let (stepSize, correction2, b1, b2, eps, coupled, decay) = coefficients(index, as: Float.self)
        var out = request ?? gg_step_measure()
        withUnsafeMutablePointer(to: &out) { measure in
            let out = request == nil ? nil : measure
            value.updating(with: gradient) { p, g in
                firstMoments.with(index) { m in
                    secondMoments.with(index) { v in
                        let run = { (vmax: UnsafeMutablePointer<Float>?) in
                            gg_adam_f32(p.floats, g.floats, m.floats, v.floats, vmax, p.count, decay, coupled, 1 - b1, b2, 1 - b2,
                                        stepSize, correction2, eps, out)
                        }
                        if amsgrad { maxSecondMoments.with(index) { vmax in run(vmax.floats) } } else { run(nil) }
                    }
                }
            }
        }
        return request == nil ? nil : StepMeasure(out)
    }

    public override func restoreBuffers(_ state: [String: [Tensor<Scalar>?]]) {
        firstMoments.load(state["exp_avg"])
        secondMoments.load(state["exp_avg_sq"])
        maxSecondMoments.load(state["max_exp_avg_sq"])
    }

    public override var state: [String: [Tensor<Scalar>?]] {
        ["exp_avg": firstMoments.tensors, "exp_avg_sq": secondMoments.tensors, "max_exp_avg_sq": maxSecondMoments.tensors]
    }
}

/// AdamW (Loshchilov & Hutter 2019), exactly `torch.optim.AdamW`: decoupled weight decay
/// `θ ← θ(1 − ηλ)` before the Adam step on the raw gradient. Default weight_decay 0.01.
public final class AdamW<Scalar: TensorScalar>: Adam<Scalar> {
    /// PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2, no AMSGrad.
    public init(
        parameters: [Variable<Scalar>], learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false
    ) throws(HyperparameterError) {
        try super.init(parameters: parameters, learningRate: learningRate, betas: betas, epsilon: epsilon,
                       weightDecay: weightDecay, amsgrad: amsgrad, name: "adamw")
    }

    override var couplesWeightDecay: Bool { false }
}
