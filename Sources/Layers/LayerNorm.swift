import Autodiff
import TensorCore

/// Layer normalisation over the last dimension of a `[batch, features]` input (Ba et al. 2016),
/// PyTorch's `nn.LayerNorm(features)`: each row is normalised with its own mean and biased
/// variance, then scaled by γ and shifted by β. The same in training and evaluation.
public final class LayerNorm<Scalar: TensorScalar>: Module<Scalar> {
    /// γ, `[features]`, initially 1.
    public let weight: Variable<Scalar>
    /// β, `[features]`, initially 0.
    public let bias: Variable<Scalar>
    public let epsilon: Double

    /// PyTorch's default eps 1e-5.
    public init(features: Int, epsilon: Double = 1e-5) {
        precondition(features > 0, "LayerNorm: features must be positive, got \(features)")
        precondition(epsilon > 0, "LayerNorm: eps must be positive")
        weight = Variable(Tensor(repeating: 1, shape: [features]), requiresGrad: true)
        bias = Variable(Tensor(zeros: [features]), requiresGrad: true)
        self.epsilon = epsilon
    }

    public var features: Int { weight.shape[0] }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        shapePrecondition { try checkFeatureInput(summary, input.shape, features: features) }
        return input.normalized(alongAxis: 1, epsilon: epsilon).0 * weight + bias
    }

    public override var localParameters: [(name: String, variable: Variable<Scalar>)] { [("weight", weight), ("bias", bias)] }
    public override var weightParameters: [Variable<Scalar>] { [weight] }

    public override func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        try checkFeatureInput(summary, inputShape, features: features)
        return inputShape
    }

    public override var summary: String { "LayerNorm(\(features))" }
}
