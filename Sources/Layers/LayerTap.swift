import Autodiff
import TensorCore

/// Reads, for chosen layers, the activation each produced and the gradient ∂L/∂a that flowed
/// back into it, without changing the model's code (PyTorch's forward hooks plus
/// `retain_grad()`). This is the monitor's hook into a model.
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
        /// ∂L/∂output, or nil if the loss did not depend on it (or `backward` was not run).
        public let gradient: Tensor<Scalar>?
    }

    private let model: Module<Scalar>
    private var installed: [(module: Module<Scalar>, hook: Int)] = []
    private var pending: [(path: String, output: Variable<Scalar>)] = []

    /// Taps every module for which `include(path, module)` is true; by default the leaves
    /// (modules without children), i.e. every Linear and activation layer.
    public init(
        _ model: Module<Scalar>,
        include: (String, Module<Scalar>) -> Bool = { _, module in module.children.isEmpty }
    ) {
        self.model = model
        for (path, module) in model.namedModules() where include(path, module) {
            let id = module.addForwardHook { [unowned self] _, _, output in
                output.retainsGrad = true
                self.pending.append((path, output))
            }
            installed.append((module, id))
        }
    }

    /// The paths of the tapped layers, in model order.
    public var paths: [String] { model.namedModules().filter { m in installed.contains { $0.module === m.module } }.map(\.path) }

    /// The records of the forward passes since the last call, in call order, and forgets them.
    public func collect() -> [Record] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending.map { Record(path: $0.path, activation: $0.output.value, gradient: $0.output.grad) }
    }

    /// Removes the hooks.
    public func detach() {
        for (module, id) in installed { module.removeForwardHook(id) }
        installed.removeAll()
        pending.removeAll()
    }

    deinit { detach() }
}
