import Autodiff
import CKernels
import TensorCore

/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
/// exactly `torch.optim.SGD` (Sutskever et al. 2013 for the Nesterov form):
/// `g ← ∇ + λθ`; `b ← μb + (1 − τ)g` (b = g on the first step); `g ← g + μb` (Nesterov) or `b`;
/// `θ ← θ − ηg`.
public final class SGD<Scalar: TensorScalar>: Optimizer<Scalar> {
    public let momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let nesterov: Bool
    private var momentumBuffers: StateBuffers<Scalar>

    /// - Parameters: PyTorch's defaults: momentum 0, dampening 0, weight decay 0, no Nesterov.
    /// - Throws: for a negative lr, momentum, dampening or weight decay, or Nesterov without
    ///   momentum or with dampening.
    public init(
        parameters: [Variable<Scalar>], learningRate: Double, momentum: Double = 0, dampening: Double = 0,
        weightDecay: Double = 0, nesterov: Bool = false
    ) throws(HyperparameterError) {
        try HyperparameterError.check(momentum >= 0, "sgd", "momentum", "≥ 0", momentum)
        try HyperparameterError.check(dampening >= 0, "sgd", "dampening", "≥ 0", dampening)
        try HyperparameterError.check(weightDecay >= 0, "sgd", "weight_decay", "≥ 0", weightDecay)
        if nesterov {
            try HyperparameterError.check(momentum > 0, "sgd", "momentum", "> 0 with nesterov", momentum)
            try HyperparameterError.check(dampening == 0, "sgd", "dampening", "0 with nesterov", dampening)
        }
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.momentumBuffers = StateBuffers(parameters)
        try super.init(parameters: parameters, learningRate: learningRate, name: "sgd")
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override func update(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>) {
        if Scalar.self == Float.self {
            _ = kernelUpdate(index, value: &value, gradient: gradient, measure: nil)
            return
        }
        let lr = Scalar(learningRate), wd = Scalar(weightDecay), mu = Scalar(momentum)
        let keep = 1 - Scalar(dampening)
        let first = !momentumBuffers.exists(index)
        value.updating(with: gradient) { p, g in
            if momentum == 0 {
                for i in 0..<p.count { p[i] -= lr * (g[i] + wd * p[i]) }
                return
            }
            momentumBuffers.with(index) { b in
                for i in 0..<p.count {
                    let d = g[i] + wd * p[i]
                    b[i] = first ? d : mu * b[i] + keep * d
                    p[i] -= lr * (nesterov ? d + mu * b[i] : b[i])
                }
            }
        }
    }

    /// Float: the rule in C (the same bits as the Swift loop in `update`, which Double runs)
    /// with the step measured in the same pass.
    public override func measuredUpdate(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>) -> StepMeasure? {
        guard Scalar.self == Float.self else { return nil }
        return kernelUpdate(index, value: &value, gradient: gradient, measure: gg_step_measure())
    }

    /// Float: the rule in C with Σ g² summed in the same pass.
    public override func gradientSquaresUpdate(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>) -> Double? {
        guard Scalar.self == Float.self else { return nil }
        var request = gg_step_measure()
        request.gradient_only = 1
        return kernelUpdate(index, value: &value, gradient: gradient, measure: request)?.gradientSquares
    }

    /// The Float rule through CKernels' `gg_sgd_f32` (a large parameter is updated by two
    /// threads), measuring the step as `request` asks, or not (nil).
    private func kernelUpdate(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>, measure request: gg_step_measure?) -> StepMeasure? {
        let first = !momentumBuffers.exists(index)
        var out = request ?? gg_step_measure()
        let (lr, wd, mu, keep) = (Float(learningRate), Float(weightDecay), Float(momentum), 1 - Float(dampening))
        withUnsafeMutablePointer(to: &out) { measure in
            let out = request == nil ? nil : measure
            value.updating(with: gradient) { p, g in
                if momentum == 0 {
                    gg_sgd_f32(p.floats, g.floats, nil, p.count, lr, wd, mu, keep, 0, 0, out)
                } else {
                    momentumBuffers.with(index) { b in
                        gg_sgd_f32(p.floats, g.floats, b.floats, p.count, lr, wd, mu, keep, first ? 1 : 0, nesterov ? 1 : 0, out)
                    }
                }
            }
        }
        return request == nil ? nil : StepMeasure(out)
    }

    public override func restoreBuffers(_ state: [String: [Tensor<Scalar>?]]) {
        momentumBuffers.load(state["momentum_buffer"])
    }

    public override var state: [String: [Tensor<Scalar>?]] { ["momentum_buffer": momentumBuffers.tensors] }
}
