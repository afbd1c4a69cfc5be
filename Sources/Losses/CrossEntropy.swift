import Autodiff
import TensorCore

/// Cross-entropy from logits `[batch, classes]` and class indices (PyTorch
/// `nn.CrossEntropyLoss()`): `−mean log softmax(logits)[i, yᵢ]`, via a stable log-softmax
/// (finite for logits of ±100 and beyond). Gradient `(softmax − onehot) / batch`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func crossEntropy<Scalar>(logits: Variable<Scalar>, labels: [Int]) -> Variable<Scalar> {
    let shape = logits.shape
    precondition(
        shape.count == 2 && shape[0] == labels.count,
        ShapeError(operation: "cross_entropy", shapes: [shape, [labels.count]],
                   reason: "logits must be [batch, classes] with one label per row").description)
    let classes = shape[1]
    precondition(labels.allSatisfy { $0 >= 0 && $0 < classes }, "cross_entropy: a label is outside 0..<\(classes)")
    let logProbabilities = logits.value.logSoftmax()
    let n = Scalar(labels.count)
    let loss = logProbabilities.withUnsafeBufferPointer { lp in
        var total: Scalar = 0
        for (row, label) in labels.enumerated() { total -= lp[row * classes + label] }
        return total / n
    }
    return Variable.operation(Tensor(loss), inputs: [logits]) { g in
        var grad = logProbabilities.exp()
        grad.withUnsafeMutableBufferPointer { p in
            for (row, label) in labels.enumerated() { p[row * classes + label] -= 1 }
        }
        grad.scale(by: g.scalar / n)
        return [grad]
    }
}
