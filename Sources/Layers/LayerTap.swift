import Autodiff
import TensorCore

/// Reads, for chosen layers, the activation each produced and the gradient ∂L/∂a that flowed
/// back into it, without changing the model's code (PyTorch's forward hooks plus
/// `retain_grad()`). This is the monitor's hook into a model.
///
/// With `summarizes` on, it also takes each output's statistics while that data is still in
/// cache: read later, after the whole step, each of these passes would come from memory.
/// - Forward: an activation layer summarises its input and output inside its own kernel
///   (`Module.summarizesInForward`), which also serves the tapped layer before it (a Linear
///   layer's output is the activation's input); any other output is summarised at the next
///   hook, one layer later.
/// - Backward: Σ (∂L/∂a)² comes from the activation's backward kernel where one reads or writes
///   that gradient (`Variable.gradientSquaresHook`), else from a pass right after backward
///   produced it.
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

    /// Take the statistics in the hooks for the forward and backward passes from now on
    /// (default true); the monitor turns it off for steps it does not record.
    public var summarizes = true {
        didSet { for (module, _) in installed { module.summarizesInForward = summarizes } }
    }
    /// Keep each output's ∂L/∂output for `Record.gradient` (default true). Off, backward frees
    /// each of these gradients once used, as it does without the tap, so their buffers are
    /// reused while still in cache; `Record.gradientSquares` is still taken while `summarizes`
    /// is on, and `Record.gradient` is nil.
    public var keepsGradients = true
    /// Keep only each layer's latest output until `collect()` (default false: every call's, in
    /// call order). On, a layer's earlier output since the last `collect()` is forgotten when the
    /// layer runs again, so what the tap holds stays one pass's worth however many forward
    /// passes run between collects (evaluation batches, a loop that never collects); the
    /// forgotten output's gradient is no longer summed. The monitor turns it on.
    public var keepsLastCallOnly = false

    /// One tapped output of the current step, filled in by the hooks.
    private final class Observation {
        let path: String
        let module: Module<Scalar>
        let output: Variable<Scalar>
        /// Taken by the next module's kernel when it reads this output (an activation after a
        /// Linear layer), else at the next hook or at `collect()`; nil with `summarizes` off.
        var summary: ActivationSummary?
        var awaitsSummary: Bool
        var gradientSquares: Double?

        init(path: String, module: Module<Scalar>, output: Variable<Scalar>, awaitsSummary: Bool) {
            (self.path, self.module, self.output, self.awaitsSummary) = (path, module, output, awaitsSummary)
        }

        /// Takes the summary now, if it is still to be taken.
        func completeSummary() {
            guard awaitsSummary else { return }
            summary = output.value.outputSummary(module.observedActivation)
            awaitsSummary = false
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
            let id = module.addForwardHook { [unowned self] module, input, output in
                self.observe(path: path, module: module, input: input, output: output)
            }
            module.summarizesInForward = summarizes
            installed.append((module, id))
        }
    }

    /// The forward hook: records `output`, and its summary and gradient hook with `summarizes` on.
    @_specialize(where Scalar == Float)
    private func observe(path: String, module: Module<Scalar>, input: Variable<Scalar>, output: Variable<Scalar>) {
        if keepsLastCallOnly, let earlier = pending.firstIndex(where: { $0.module === module }) {
            // Its output may still be in a graph that a backward pass runs later: unhook it first.
            pending.remove(at: earlier).output.gradientSquaresHook = nil
        }
        output.retainsGrad = keepsGradients
        let observation = Observation(path: path, module: module, output: output, awaitsSummary: summarizes)
        if summarizes {
            if let (inputSummary, summary) = module.forwardSummaries {
                // The module's kernel summarised its input too: the output of the layer before, if tapped.
                if let previous = pending.last, previous.output === input, previous.awaitsSummary {
                    (previous.summary, previous.awaitsSummary) = (inputSummary, false)
                }
                (observation.summary, observation.awaitsSummary) = (summary, false)
            }
            pending.last?.completeSummary()  // every earlier one was completed at its successor's hook
            output.gradientSquaresHook = { [unowned observation] squares in observation.gradientSquares = squares }
        }
        pending.append(observation)
    }

    /// The paths of the tapped layers, in model order.
    public var paths: [String] { model.namedModules().filter { m in installed.contains { $0.module === m.module } }.map(\.path) }

    /// The records of the forward passes since the last call, in call order, and forgets them.
    @_specialize(where Scalar == Float)
    public func collect() -> [Record] {
        defer { pending.removeAll(keepingCapacity: true) }
        for observation in pending { observation.completeSummary() }
        return pending.map {
            Record(path: $0.path, activation: $0.output.value, gradient: $0.output.grad, summary: $0.summary,
                   gradientSquares: $0.gradientSquares)
        }
    }

    /// Removes the hooks.
    public func detach() {
        for (module, id) in installed {
            module.removeForwardHook(id)
            module.summarizesInForward = false
        }
        installed.removeAll()
        pending.removeAll()
    }

    deinit { detach() }
}
