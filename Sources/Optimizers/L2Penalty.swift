import Autodiff
import TensorCore

/// The L2 regularisation term `λ·Σ‖W‖²` over weights only (parameters whose `state_dict` name
/// ends in a component starting with `weight`: `0.weight`, `0.weight_hh_l0`; never biases),
/// to be added to the loss. Its gradient is `2λW`. Distinct from an optimizer's `weight_decay`,
/// which adds `λW` to the gradient without changing the reported loss.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func l2Penalty<Scalar>(_ parameters: [(name: String, variable: Variable<Scalar>)], lambda: Double) -> Variable<Scalar> {
    precondition(lambda >= 0 && lambda.isFinite, "l2Penalty: lambda must be finite and ≥ 0, got \(lambda)")
    let weights = parameters.filter { isWeight($0.name) }.map(\.variable)
    let values = weights.map(\.value)
    let scale = Scalar(lambda)
    let total = values.reduce(Scalar(0)) { sum, w in
        w.withUnsafeBufferPointer { b in b.reduce(sum) { $0 + $1 * $1 } }
    }
    return Variable.operation(Tensor(scale * total), inputs: weights) { g in
        values.map { $0 * (2 * scale * g.scalar) }
    }
}

/// Whether a `state_dict` name is a weight (its last component starts with `weight`).
public func isWeight(_ name: String) -> Bool {
    (name.split(separator: ".").last ?? "").hasPrefix("weight")
}
