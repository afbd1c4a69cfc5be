import TensorCore

/// Sums, means and softmax.
extension Variable {
    /// The sum of all elements, as a one-element value of shape `[]`.
    @inlinable
    public func sum() -> Variable {
        let s = shape
        return Variable.operation(Tensor(value.sumAll()), inputs: [self]) { g in [Tensor(repeating: g.scalar, shape: s)] }
    }

    /// The mean of all elements.
    @inlinable
    public func mean() -> Variable { sum() / Scalar(value.count) }

    /// The sum over `axes`, dropping them unless `keepingDims`.
    @inlinable
    public func sum(alongAxes axes: [Int], keepingDims: Bool = false) -> Variable {
        let s = shape
        let kept = value.sum(alongAxes: axes, keepingDims: true)
        let result = keepingDims ? kept : kept.reshaped(Variable.shape(s, without: axes))
        return Variable.operation(result, inputs: [self]) { g in [g.reshaped(kept.shape).broadcast(to: s)] }
    }

    /// `shape` with `axes` (negative counting from the end) removed.
    @inlinable
    static func shape(_ shape: [Int], without axes: [Int]) -> [Int] {
        let dropped = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 })
        return shape.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    }

    /// The mean over `axes`.
    @inlinable
    public func mean(alongAxes axes: [Int], keepingDims: Bool = false) -> Variable {
        let n = value.count / Swift.max(Tensor<Scalar>.elementCount(Variable.shape(shape, without: axes)), 1)
        return sum(alongAxes: axes, keepingDims: keepingDims) / Scalar(n)
    }

    /// Log-softmax over the last axis (stable).
    @inlinable
    public func logSoftmax() -> Variable {
        let y = value.logSoftmax()
        return Variable.operation(y, inputs: [self]) { g in
            // d/dx: g − softmax(x) · Σ g over the last axis.
            [g - y.exp() * g.sum(alongAxes: [-1], keepingDims: true)]
        }
    }

    /// Softmax over the last axis.
    @inlinable
    public func softmax() -> Variable {
        let y = value.softmax()
        return Variable.operation(y, inputs: [self]) { g in
            [y * (g - (g * y).sum(alongAxes: [-1], keepingDims: true))]
        }
    }
}
