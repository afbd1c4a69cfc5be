import Autodiff
import CKernels
import TensorCore

/// An optimizer: per-parameter state and one update rule, with PyTorch's semantics.
///
/// `step()` updates every parameter that has a gradient, in place; parameters without one are
/// left alone (their state is not touched either), as in PyTorch. Subclasses implement
/// `update(_:value:gradient:)` over raw buffers.
open class Optimizer<Scalar: TensorScalar> {
    /// The parameters this optimizer updates, in order.
    public let parameters: [Variable<Scalar>]
    /// The learning rate η; schedules change it between steps.
    public var learningRate: Double
    /// How many times `step()` has run.
    public private(set) var stepCount = 0
    /// How many updates each parameter has received (PyTorch's `state["step"]`).
    public private(set) var parameterSteps: [Int]

    /// - Throws: `HyperparameterError` for a negative or non-finite learning rate.
    public init(parameters: [Variable<Scalar>], learningRate: Double, name: String) throws(HyperparameterError) {
        try HyperparameterError.check(learningRate >= 0 && learningRate.isFinite, name, "lr", "a finite number ≥ 0", learningRate)
        self.parameters = parameters
        self.learningRate = learningRate
        self.parameterSteps = Array(repeating: 0, count: parameters.count)
        measures = Array(repeating: nil, count: parameters.count)
        before = Array(repeating: nil, count: parameters.count)
    }

    /// What one step did to one parameter: ‖W‖² after it, ‖∇‖² of the gradient it used and
    /// ‖ΔW‖², summed in double.
    public struct StepMeasure: Sendable, Equatable {
        public var weightSquares: Double
        public var gradientSquares: Double
        public var updateSquares: Double

        public init(weightSquares: Double, gradientSquares: Double, updateSquares: Double) {
            self.weightSquares = weightSquares
            self.gradientSquares = gradientSquares
            self.updateSquares = updateSquares
        }
    }

    /// When true, the next `step()` measures each parameter's update (`measures`), in the
    /// update loop itself where the rule has a measuring kernel (SGD, Adam, AdamW on Float),
    /// else from a copy of the weights taken before it. The gradient monitor turns it on for
    /// the steps it records. Default: false.
    public var measuresSteps = false
    /// Per parameter, what the last `step()` did (nil: not measured, or no gradient).
    public private(set) var measures: [StepMeasure?]
    /// The weights before the step, for rules measured after the fact (reused between steps).
    private var before: [Tensor<Scalar>?]

    /// When true, `step()` also sums Σ g² over the gradients it uses (`gradientSquares`), in the
    /// update loops where the rule has a kernel (SGD, Adam, AdamW on Float), else in a pass of its
    /// own. The trainer turns it on when nothing needs the gradients' norm before the step (no
    /// clipping rule, the `propagate` policy), so the norm costs no pass over memory. Default false.
    public var sumsGradientSquares = false
    /// Σ g² (double) over the gradients the last `step()` used, when it measured the step or
    /// summed them (`measuresSteps`, `sumsGradientSquares`); nil otherwise. NaN or ∞ when a
    /// gradient held one.
    public private(set) var gradientSquares: Double?

    /// One update of every parameter that has a gradient.
    public final func step() {
        stepCount += 1
        var squares = 0.0
        defer { gradientSquares = measuresSteps || sumsGradientSquares ? squares : nil }
        for (index, parameter) in parameters.enumerated() {
            measures[index] = nil
            guard let gradient = parameter.grad else { continue }
            parameterSteps[index] += 1
            guard measuresSteps else {
                if sumsGradientSquares {
                    if let s = gradientSquaresUpdate(index, value: &parameter.value, gradient: gradient) {
                        squares += s
                        continue
                    }
                    squares += gradient.sumOfSquares()
                }
                update(index, value: &parameter.value, gradient: gradient)
                continue
            }
            if let measure = measuredUpdate(index, value: &parameter.value, gradient: gradient) {
                measures[index] = measure
                squares += measure.gradientSquares
                continue
            }
            // Measured after the fact: copy the weights into a kept buffer, update, compare.
            if before[index]?.shape != parameter.shape { before[index] = Tensor(zeros: parameter.shape) }
            before[index]!.withUnsafeMutableBufferPointer { old in
                parameter.value.withUnsafeBufferPointer { p in _ = old.update(fromContentsOf: p) }
            }
            update(index, value: &parameter.value, gradient: gradient)
            measures[index] = Self.measure(after: parameter.value, gradient: gradient, before: before[index]!)
            squares += measures[index]!.gradientSquares
        }
    }

    /// The rule with its step measured in the same pass, or nil (then `step()` measures it
    /// from a copy). Rules with a measuring kernel override it.
    open func measuredUpdate(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>) -> StepMeasure? { nil }

    /// The rule with Σ g² summed in the same pass, returned, or nil without updating (then
    /// `step()` sums it in a pass of its own and calls `update`). Rules with a kernel override it.
    open func gradientSquaresUpdate(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>) -> Double? { nil }

    /// The step's measure from the weights before and after it.
    static func measure(after: Tensor<Scalar>, gradient: Tensor<Scalar>, before: Tensor<Scalar>) -> StepMeasure {
        after.withUnsafeBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                before.withUnsafeBufferPointer { old in
                    if Scalar.self == Float.self {
                        var out = gg_step_measure()
                        gg_measure_step_f32(p.floats, g.floats, old.floats, p.count, &out)
                        return StepMeasure(out)
                    }
                    var w = 0.0, gs = 0.0, u = 0.0
                    for i in 0..<p.count {
                        let (a, b, d) = (Double(p[i]), Double(g[i]), Double(p[i] - old[i]))
                        w += a * a
                        gs += b * b
                        u += d * d
                    }
                    return StepMeasure(weightSquares: w, gradientSquares: gs, updateSquares: u)
                }
            }
        }
    }

    /// Clears every parameter's gradient.
    public final func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

    /// The update rule for parameter `index` (its `parameterSteps[index]` already counts this step).
    open func update(_ index: Int, value: inout Tensor<Scalar>, gradient: Tensor<Scalar>) {
        preconditionFailure("\(type(of: self)) must override update(_:value:gradient:)")
    }

    /// Named per-parameter state (`"exp_avg"`, `"momentum_buffer"`…), for the monitor and
    /// checkpoints; nil where a parameter has none yet.
    open var state: [String: [Tensor<Scalar>?]] { [:] }

    /// Sets the step counters and every buffer from a checkpoint (`state` as `state` gave it),
    /// so the next `step()` is the one an uninterrupted run would take. Nothing changes unless
    /// every buffer fits its parameter.
    public final func restore(state: [String: [Tensor<Scalar>?]], stepCount: Int, parameterSteps: [Int]) throws(OptimizerStateError) {
        guard parameterSteps.count == parameters.count, stepCount >= 0, parameterSteps.allSatisfy({ $0 >= 0 }) else {
            throw OptimizerStateError(message: "step counts for \(parameterSteps.count) parameters, the optimizer has \(parameters.count)")
        }
        for (name, buffers) in state {
            guard self.state[name] != nil else { throw OptimizerStateError(message: "unknown optimizer state \"\(name)\"") }
            guard buffers.count == parameters.count else {
                throw OptimizerStateError(message: "\(name): \(buffers.count) buffers for \(parameters.count) parameters")
            }
            for (buffer, parameter) in zip(buffers, parameters) where buffer != nil && buffer!.shape != parameter.shape {
                throw OptimizerStateError(message: "\(name): a buffer of shape \(buffer!.shape) for a parameter of shape \(parameter.shape)")
            }
        }
        self.stepCount = stepCount
        self.parameterSteps = parameterSteps
        restoreBuffers(state)
    }

    /// Sets the subclass's buffers from `state` (already checked against the parameters).
    open func restoreBuffers(_ state: [String: [Tensor<Scalar>?]]) {}
}

/// Why a checkpoint's optimizer state does not fit the optimizer.
public struct OptimizerStateError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// Per-parameter buffers created on first use, each shaped like its parameter.
struct StateBuffers<Scalar: TensorScalar> {
    private(set) var buffers: [[Scalar]?]
    let shapes: [[Int]]

    init<S>(_ parameters: [Variable<S>]) {
        buffers = Array(repeating: nil, count: parameters.count)
        shapes = parameters.map(\.shape)
    }

    /// Whether parameter `index` has its buffer yet.
    func exists(_ index: Int) -> Bool { buffers[index] != nil }

    /// Runs `body` on parameter `index`'s buffer, creating it filled with `initial` first.
    mutating func with<R>(_ index: Int, initial: Scalar = 0, _ body: (UnsafeMutableBufferPointer<Scalar>) -> R) -> R {
        if buffers[index] == nil {
            buffers[index] = Array(repeating: initial, count: shapes[index].reduce(1, *))
        }
        return buffers[index]!.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Like `with`, but passes nil (and creates nothing) when `needed` is false.
    mutating func with<R>(_ index: Int, if needed: Bool, _ body: (UnsafeMutableBufferPointer<Scalar>?) -> R) -> R {
        needed ? with(index) { body($0) } : body(nil)
    }

    /// Replaces the buffers with `tensors` (nil entries: not created yet); absent: unchanged.
    mutating func load(_ tensors: [Tensor<Scalar>?]?) {
        guard let tensors else { return }
        buffers = tensors.map { $0?.scalars }
    }

    /// The buffers as tensors, for `Optimizer.state`.
    var tensors: [Tensor<Scalar>?] {
        zip(buffers, shapes).map { buffer, shape in buffer.map { Tensor(shape: shape, scalars: $0) } }
    }
}

extension Tensor {
    /// Runs `body` over this tensor's buffer (mutable) and `other`'s (read-only) of equal size.
    @inlinable
    mutating func updating(with other: Tensor, _ body: (UnsafeMutableBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>) -> Void) {
        precondition(count == other.count, "optimizer: gradient shape \(other.shape) differs from parameter shape \(shape)")
        other.withUnsafeBufferPointer { g in withUnsafeMutableBufferPointer { p in body(p, g) } }
    }
}

extension Optimizer.StepMeasure {
    init(_ measure: gg_step_measure) {
        self.init(weightSquares: measure.weight_squares, gradientSquares: measure.gradient_squares, updateSquares: measure.update_squares)
    }
}

extension UnsafeMutableBufferPointer {
    /// The elements as floats, for a C kernel; only when `Element` is `Float`.
    var floats: UnsafeMutablePointer<Float>? { baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) } }
}

extension UnsafeBufferPointer {
    /// The elements as floats, for a C kernel; only when `Element` is `Float`.
    var floats: UnsafePointer<Float>? { baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) } }
}
