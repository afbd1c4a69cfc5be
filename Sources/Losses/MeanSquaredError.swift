import Autodiff
import TensorCore

/// `mean((prediction − target)²)` (PyTorch `nn.MSELoss()`), fused: one pass forward, one back.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func meanSquaredError<Scalar>(_ prediction: Variable<Scalar>, _ target: Tensor<Scalar>) -> Variable<Scalar> {
    requireSameShape("mse", prediction.shape, target.shape)
    let diff = prediction.value - target
    let n = Scalar(diff.count)
    let loss = diff.withUnsafeBufferPointer { d in
        var total: Scalar = 0
        for x in d { total += x * x }
        return total / n
    }
    return Variable.operation(Tensor(loss), inputs: [prediction]) { g in [diff * (2 * g.scalar / n)] }
}
