import Autodiff
import TensorCore

/// An element-wise activation as a layer (PyTorch's `nn.ReLU()`, `nn.Sigmoid()`, …).
public final class ActivationLayer<Scalar: TensorScalar>: Module<Scalar> {
    /// The function applied.
    public let function: Activation

    public init(_ function: Activation) { self.function = function }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        if summarizesInForward, let (output, inputSummary, summary) = input.applyingSummarized(function) {
            forwardSummaries = (inputSummary, summary)
            return output
        }
        forwardSummaries = nil
        return input.applying(function)
    }

    public override var summary: String { function.name }
    public override var observedActivation: Activation? { function }
    public override var isElementwiseActivation: Bool { true }
}
