import TensorCore

/// Element-wise functions and activations.
extension Variable {
    /// An activation applied element-wise; its derivative comes from `Activation.derivative`.
    @inlinable
    public func applying(_ f: Activation) -> Variable { activation(f, output: value.applying(f)) }

    /// `applying(f)`, with the statistics of its input and output taken inside the activation's
    /// own pass (`Tensor.applyingSummarized`); nil where no such kernel exists.
    @inlinable
    public func applyingSummarized(_ f: Activation) -> (output: Variable, input: ActivationSummary, summary: ActivationSummary)? {
        guard let (y, input, summary) = value.applyingSummarized(f) else { return nil }
        return (activation(f, output: y), input, summary)
    }

    /// The node for `f` applied to this variable, given the result `y`.
    @inlinable
    func activation(_ f: Activation, output y: Tensor<Scalar>) -> Variable {
        let x = value
        return Variable.operation(
            y, input: self, measuredPullback: { g in
                x.activationBackwardSummed(f, output: y, gradient: g).map { ($0.inputGradient, $0.gradientSquares, $0.inputGradientSquares) }
            },
            pullback: { g in [x.activationBackward(f, output: y, gradient: g)] })
    }

    @inlinable public func sigmoid() -> Variable { applying(.sigmoid) }
    @inlinable public func tanh() -> Variable { applying(.tanh) }
    @inlinable public func relu() -> Variable { applying(.relu) }

    /// eˣ.
    @inlinable
    public func exp() -> Variable {
        let y = value.exp()
        return Variable.operation(y, inputs: [self]) { g in [g * y] }
    }

    /// Natural logarithm.
    @inlinable
    public func log() -> Variable {
        let x = value
        return Variable.operation(x.log(), inputs: [self]) { g in [g / x] }
    }

    /// Square root.
    @inlinable
    public func sqrt() -> Variable {
        let y = value.sqrt()
        return Variable.operation(y, inputs: [self]) { g in [g / (y * 2)] }
    }

    /// xᵖ for a scalar exponent.
    @inlinable
    public func pow(_ p: Scalar) -> Variable {
        let x = value
        return Variable.operation(x.pow(p), inputs: [self]) { g in [g * x.pow(p - 1) * p] }
    }

    /// x².
    @inlinable
    public func squared() -> Variable {
        let x = value
        return Variable.operation(x.squared(), inputs: [self]) { g in [g * x * 2] }
    }

    /// |x| (gradient sign(x), 0 at 0 as PyTorch).
    @inlinable
    public func abs() -> Variable {
        let x = value
        return Variable.operation(x.abs(), inputs: [self]) { g in
            [g * x.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }]
        }
    }

    /// x limited to `[min, max]`; the gradient passes where `min ≤ x ≤ max` (PyTorch's rule).
    @inlinable
    public func clamped(min lower: Scalar? = nil, max upper: Scalar? = nil) -> Variable {
        let x = value
        let lo = lower ?? -.infinity, hi = upper ?? .infinity
        return Variable.operation(x.clamped(min: lower, max: upper), inputs: [self]) { g in
            [g * x.map { $0 >= lo && $0 <= hi ? 1 : 0 }]
        }
    }

    /// Element-wise choice between `a` (where `mask` ≠ 0) and `b`; the mask gets no gradient.
    @inlinable
    public static func `where`(_ mask: Tensor<Scalar>, _ a: Variable, _ b: Variable) -> Variable {
        let (sa, sb) = (a.shape, b.shape)
        let out = Tensor.where(mask, a.value, b.value)
        return operation(out, inputs: [a, b]) { g in
            let zero = Tensor<Scalar>(0)
            return [Tensor.where(mask, g, zero).sum(toShape: sa), Tensor.where(mask, zero, g).sum(toShape: sb)]
        }
    }
}
