import CKernels

extension Tensor {
    /// `applying(f)` together with `outputSummary(nil)` of this input and `outputSummary(f)` of
    /// the result, taken inside the activation's own pass (CKernels computes the result in blocks
    /// that fit the level-1 cache and summarises each block while it is there): the monitor's
    /// statistics of a layer and of its activation without two more passes over memory. The
    /// result is the same bits as `applying(f)`. Nil where no such kernel exists (Double, or an
    /// activation other than sigmoid, tanh and ReLU).
    @inlinable
    public func applyingSummarized(_ f: Activation) -> (output: Tensor, input: ActivationSummary, summary: ActivationSummary)? {
        guard Scalar.self == Float.self, let kind = Self.statisticsKind(f), count > 0 else { return nil }
        var input = gg_summary(), output = gg_summary()
        let y = withUnsafeBufferPointer { x in
            Tensor(shape: shape) { y in
                gg_activation_forward_summarized_f32(
                    UnsafeRawPointer(x.baseAddress!).assumingMemoryBound(to: Float.self),
                    UnsafeMutableRawPointer(y.baseAddress!).assumingMemoryBound(to: Float.self), count, kind, &input, &output)
            }
        }
        return (y, ActivationSummary(input, count: count, hasDerivative: false),
                ActivationSummary(output, count: count, hasDerivative: true))
    }

    /// `activationBackward(f, output:gradient:)` together with Σ gradient² and Σ result² in
    /// Double (as `sumOfSquares()`), taken inside the same pass. Nil where no such kernel exists
    /// (Double, or an activation other than sigmoid, tanh and ReLU).
    @inlinable
    public func activationBackwardSummed(_ f: Activation, output: Tensor, gradient: Tensor)
        -> (inputGradient: Tensor, gradientSquares: Double, inputGradientSquares: Double)? {
        precondition(gradient.shape == shape && output.shape == shape,
                     "activationBackwardSummed: shapes \(shape), \(output.shape), \(gradient.shape) must be equal")
        guard Scalar.self == Float.self, let kind = Self.statisticsKind(f), count > 0 else { return nil }
        var received = 0.0, sent = 0.0
        func float(_ p: UnsafeBufferPointer<Scalar>) -> UnsafePointer<Float> {
            UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: Float.self)
        }
        let result = withUnsafeBufferPointer { x in
            output.withUnsafeBufferPointer { y in
                gradient.withUnsafeBufferPointer { g in
                    Tensor(shape: shape) { out in
                        gg_activation_backward_summarized_f32(
                            float(x), float(y), float(g), UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: Float.self),
                            count, kind, &received, &sent)
                    }
                }
            }
        }
        return (result, received, sent)
    }
}
