import Autodiff
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
    }

    /// One update of every parameter that has a gradient.
    public final func step() {
        stepCount += 1
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.grad else { continue }
            parameterSteps[index] += 1
            update(index, value: &parameter.value, gradient: gradient)
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
