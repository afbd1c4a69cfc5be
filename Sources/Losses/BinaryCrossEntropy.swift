import Autodiff
import RealModule
import TensorCore

/// Binary cross-entropy from logits (PyTorch `nn.BCEWithLogitsLoss()`), in the stable form
/// `max(x, 0) − x·y + log(1 + e^−|x|)`; gradient `(σ(x) − y) / count`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func binaryCrossEntropyWithLogits<Scalar>(_ logits: Variable<Scalar>, _ targets: Tensor<Scalar>) -> Variable<Scalar> {
    requireSameShape("bce_with_logits", logits.shape, targets.shape)
    let x = logits.value
    let n = Scalar(x.count)
    let terms = Tensor.zip(x, targets, operation: "bce_with_logits") { x, y in
        Swift.max(x, 0) - x * y + Scalar.log(onePlus: Scalar.exp(-Swift.abs(x)))
    }
    return Variable.operation(Tensor(terms.sumAll() / n), inputs: [logits]) { g in
        let scale = g.scalar / n
        return [Tensor.zip(x, targets, operation: "bce_with_logits") { x, y in (Activation.sigmoid.value(x) - y) * scale }]
    }
}
