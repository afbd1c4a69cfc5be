import Autodiff
import TensorCore

/// A part of a model: it maps one variable to another, owns named parameters, may contain
/// named child modules, and runs forward hooks after each call.
///
/// Modules are classes, as in mlx-swift's MLXNN and PyTorch: an optimizer updates the same
/// parameter objects the model reads, and hooks observe a model without changing its code.
open class Module<Scalar: TensorScalar> {
    /// Called after every forward pass of the module with `(module, input, output)`.
    public typealias ForwardHook = (Module<Scalar>, Variable<Scalar>, Variable<Scalar>) -> Void

    /// True in training mode (the default), false in evaluation mode.
    public private(set) var isTraining = true
    private var hooks: [(id: Int, hook: ForwardHook)] = []
    private var nextHookID = 0

    public init() {}

    /// The computation; every subclass overrides it. Call the module (`module(x)`) rather
    /// than `forward` so hooks run.
    open func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        preconditionFailure("\(type(of: self)) must override forward(_:)")
    }

    /// Parameters owned directly by this module, with local names (`"weight"`, `"bias"`).
    open var localParameters: [(name: String, variable: Variable<Scalar>)] { [] }

    /// Buffers owned directly by this module, with local names (`"running_mean"`).
    open var localBuffers: [(name: String, buffer: Buffer<Scalar>)] { [] }

    /// Child modules with local names (`"0"`, `"1"`, `"body"`).
    open var children: [(name: String, module: Module<Scalar>)] { [] }

    /// The output shape for an input shape, or a `ShapeError` naming the layer and both shapes;
    /// lets a model built from a file be checked before it runs. Default: unchanged.
    open func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] { inputShape }

    /// A short description for reports (`"Linear(10 → 50)"`).
    open var summary: String { String(describing: type(of: self)) }

    // MARK: Roles the gradient monitor reads (each layer says what it is; no type casts)

    /// The weights (not biases) whose norm, gradient and update the monitor records: a Linear's
    /// `weight`, a recurrent layer's `weight_ih` and `weight_hh`, a norm's scale. Default: none.
    open var weightParameters: [Variable<Scalar>] { [] }

    /// The nonlinearity whose derivative can be read from this layer's output (an activation
    /// layer's function; an Elman RNN's tanh or ReLU), or nil. Default: nil.
    open var observedActivation: Activation? { nil }

    /// Whether the output is the nonlinearity applied element-wise to the input, so dead units
    /// and saturation can be read from it (activation layers only). Default: false.
    open var isElementwiseActivation: Bool { false }

    /// Set by an observer (the monitor's tap) for the forward passes to come: a module that can
    /// take the statistics of its input and output inside its own kernel, while the data is in
    /// cache, does so and leaves them in `forwardSummaries` (activation layers). Default false;
    /// other modules ignore it.
    public var summarizesInForward = false

    /// The statistics of the input and output of this module's last forward pass, taken inside
    /// its kernel with `summarizesInForward` on; nil otherwise.
    public internal(set) var forwardSummaries: (input: ActivationSummary, output: ActivationSummary)?

    /// The weight matrix whose rows are this layer's units (`[units, inputs]`), for the check that
    /// units stay different (a constant initialisation keeps them equal); nil when the layer has none.
    open var unitWeights: Variable<Scalar>? { nil }

    /// Recurrent layers: ‖∂L/∂h_t‖ per time step from the last backward pass (nil otherwise, or before one).
    open var timeStepGradientNorms: [Double]? { nil }

    /// LSTM and GRU layers: their gates over the last forward pass (nil otherwise).
    open var gateSummaries: [GateSummary]? { nil }

    /// The module's own random generator (dropout masks), for checkpoints; nil for a module
    /// without one, and setting it then does nothing.
    open var randomState: RandomGenerator? {
        get { nil }
        set {}
    }

    /// Runs `forward` and then the hooks.
    public final func callAsFunction(_ input: Variable<Scalar>) -> Variable<Scalar> {
        let output = forward(input)
        for entry in hooks { entry.hook(self, input, output) }
        return output
    }

    /// Adds a hook; returns an id for `removeForwardHook(_:)`.
    @discardableResult
    public func addForwardHook(_ hook: @escaping ForwardHook) -> Int {
        nextHookID += 1
        hooks.append((nextHookID, hook))
        return nextHookID
    }

    /// Removes a hook added by `addForwardHook(_:)`.
    public func removeForwardHook(_ id: Int) { hooks.removeAll { $0.id == id } }

    /// Switches this module and all its descendants to training (true) or evaluation mode.
    public func train(_ on: Bool = true) {
        isTraining = on
        for child in children { child.module.train(on) }
    }

    /// Evaluation mode (PyTorch's `eval()`).
    public func eval() { train(false) }

    /// This module and all descendants with dotted paths (`""` for this one, `"1.body.0"`).
    public func namedModules() -> [(path: String, module: Module<Scalar>)] {
        var result: [(String, Module<Scalar>)] = [("", self)]
        for (name, child) in children {
            result += child.namedModules().map { (path, m) in (path.isEmpty ? name : name + "." + path, m) }
        }
        return result
    }

    /// Every parameter by PyTorch `state_dict` name (`"0.weight"`), in registration order.
    public func namedParameters() -> [(name: String, variable: Variable<Scalar>)] {
        namedModules().flatMap { path, module in
            module.localParameters.map { (path.isEmpty ? $0.name : path + "." + $0.name, $0.variable) }
        }
    }

    /// Every buffer by `state_dict` name (`"1.running_mean"`).
    public func namedBuffers() -> [(name: String, buffer: Buffer<Scalar>)] {
        namedModules().flatMap { path, module in
            module.localBuffers.map { (path.isEmpty ? $0.name : path + "." + $0.name, $0.buffer) }
        }
    }

    /// Every parameter, in registration order.
    public var parameters: [Variable<Scalar>] { namedParameters().map(\.variable) }

    /// Every module's random generator by module path (see `randomState`).
    public func namedRandomStates() -> [String: RandomGenerator] {
        var states: [String: RandomGenerator] = [:]
        for (path, module) in namedModules() { if let state = module.randomState { states[path] = state } }
        return states
    }

    /// Sets the generators `namedRandomStates()` gave; an unknown path is ignored.
    public func loadRandomStates(_ states: [String: RandomGenerator]) {
        for (path, module) in namedModules() { if let state = states[path] { module.randomState = state } }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }
}
