import RealModule

/// Numerically stable softmax and log-softmax over the last axis.
extension Tensor {
    /// `log(softmax(x))` over the last axis, computed as `x − max − log Σ exp(x − max)`
    /// (no overflow for large logits).
    @inlinable
    public func logSoftmax() -> Tensor {
        precondition(rank >= 1, "logSoftmax: needs at least one dimension")
        let inner = shape[rank - 1]
        return withUnsafeBufferPointer { src in
            Tensor(shape: shape) { out in
                for row in 0..<(inner == 0 ? 0 : count / inner) {
                    let base = row * inner
                    var top = -Scalar.infinity
                    for j in 0..<inner where src[base + j] > top { top = src[base + j] }
                    if !top.isFinite { top = 0 }
                    var total: Scalar = 0
                    for j in 0..<inner { total += .exp(src[base + j] - top) }
                    let logTotal = Scalar.log(total)
                    for j in 0..<inner { out[base + j] = (src[base + j] - top) - logTotal }
                }
            }
        }
    }

    /// `exp(x) / Σ exp(x)` over the last axis, computed from `logSoftmax`.
    @inlinable
    public func softmax() -> Tensor { logSoftmax().exp() }
}
