import Autodiff
import TensorCore

/// Reads, for chosen layers, the activation each produced and the gradient ∂L/∂a that flowed
/// back into it, without changing the model's code (PyTorch's forward hooks plus
/// `retain_grad()`). This is the monitor's hook into a model.
///
/// With `summarizes` on, it also takes each output's statistics inside the hooks — in the
/// forward hook right after the layer produced its output, in a gradient hook right after
/// backward produced ∂L/∂a — while that data is still in cache: read later, after the whole
/// step, each of these passes would come from memory.
///
/// Use: create it, run forward and `backward()`, then `collect()`; repeat every step.
/// It holds the step's output nodes only until `collect()`, so no graph outlives its step.
public final class LayerTap<Scalar: TensorScalar> {
    /// One layer's observation in one step.
    public struct Record {
        /// The layer's `state_dict` path (`"2"`, `"1.body.0"`).
        public let path: String
        /// The layer's output.
        public let activation: Tensor<Scalar>
        /// ∂L/∂output, or nil if the loss did not depend on it, `backward` was not run or
        /// `keepsGradients` is off.
        public let gradient: Tensor<Scalar>?
        /// The output's summary, taken in the forward hook; nil with `summarizes` off.
        public let summary: ActivationSummary?
        /// Σ (∂L/∂output)² in Double, taken in the gradient hook; nil with `summarizes` off or
        /// without a gradient.
        public let gradientSquares: Double?
    }

    /// What the forward hook measures of an output: its finite values' sum and sum of squares
    /// (Double), how many are finite, and, for a module with an observed activation,
    /// `Tensor.outputDerivativeStatistics` of it.
    public struct ActivationSummary: Sendable {
        public let sum: Double
        public let sumOfSquares: Double
        public let finite: Int
        public let derivative: (meanDerivative: Double, flaggedFraction: Double)?
    }

    /// Take the statistics in the hooks for the forward and backward passes from now on
    /// (default true); the monitor turns it off for steps it does not record.
    public var summarizes = true
    /// Keep each output's ∂L/∂output for `Record.gradient` (default true). Off, backward frees
    /// each of these gradients once used, as it does without the tap, so their buffers are
    /// reused while still in cache; `Record.gradientSquares` is still taken while `summarizes`
    /// is on, and `Record.gradient` is nil.
    public var keepsGradients = true

    /// One tapped output of the current step, filled in by the hooks.
    private final class Observation {
        let path: String
        let output: Variable<Scalar>
        let summary: ActivationSummary?
        var gradientSquares: Double?

        init(path: String, output: Variable<Scalar>, summary: ActivationSummary?) {
            (self.path, self.output, self.summary) = (path, output, summary)
        }
    }

    private let model: Module<Scalar>
    private var installed: [(module: Module<Scalar>, hook: Int)] = []
    private var pending: [Observation] = []

    /// Taps every module for which `include(path, module)` is true; by default the leaves
    /// (modules without children), i.e. every Linear and activation layer.
    public init(
        _ model: Module<Scalar>,
        include: (String, Module<Scalar>) -> Bool = { _, module in module.children.isEmpty }
    ) {
        self.model = model
        for (path, module) in model.namedModules() where include(path, module) {
            let id = module.addForwardHook { [unowned self] module, _, output in
                output.retainsGrad = keepsGradients
                let observation = Observation(
                    path: path, output: output, summary: summarizes ? Self.summarize(output.value, module) : nil)
                if summarizes {
                    output.gradientHook = { [unowned observation] g in
                        observation.gradientSquares = g.sumOfSquares()
                    }
                }
                self.pending.append(observation)
            }
            installed.append((module, id))
        }
    }

    private static func summarize(_ value: Tensor<Scalar>, _ module: Module<Scalar>) -> ActivationSummary {
        let (sum, squares, finite, derivative) = value.outputSummary(module.observedActivation)
        return ActivationSummary(sum: sum, sumOfSquares: squares, finite: finite, derivative: derivative)
    }

    /// The paths of the tapped layers, in model order.
    public var paths: [String] { model.namedModules().filter { m in installed.contains { $0.module === m.module } }.map(\.path) }

    /// The records of the forward passes since the last call, in call order, and forgets them.
    public func collect() -> [Record] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending.map {
            Record(path: $0.path, activation: $0.output.value, gradient: $0.output.grad, summary: $0.summary,
                   gradientSquares: $0.gradientSquares)
        }
    }

    /// Removes the hooks.
    public func detach() {
        for (module, id) in installed { module.removeForwardHook(id) }
        installed.removeAll()
        pending.removeAll()
    }

    deinit { detach() }
}
