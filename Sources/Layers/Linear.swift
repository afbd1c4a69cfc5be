import Autodiff
import Initializers
import TensorCore

/// A fully connected layer, `y = x · Wᵀ + b`, with PyTorch's layout: weight `[out, in]`,
/// bias `[out]`, input `[batch, in]`.
public final class Linear<Scalar: TensorScalar>: Module<Scalar> {
    /// `[outFeatures, inFeatures]`.
    public let weight: Variable<Scalar>
    /// `[outFeatures]`, or nil without a bias.
    public let bias: Variable<Scalar>?

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    /// A layer with fresh parameters.
    /// - Parameters:
    ///   - weightInitializer: default PyTorch's (`kaiming_uniform_(a=√5)`, U(±1/√in)).
    ///   - biasInitializer: default PyTorch's U(±1/√in).
    public init(
        _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
        weightInitializer: Initializer = .pytorchLinearWeight,
        biasInitializer: Initializer? = nil,
        using rng: inout RandomGenerator
    ) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear: sizes must be positive, got \(inFeatures) → \(outFeatures)")
        weight = Variable(weightInitializer.tensor(shape: [outFeatures, inFeatures], using: &rng), requiresGrad: true)
        let biasInit = biasInitializer ?? .pytorchLinearBias(fanIn: inFeatures)
        self.bias = bias ? Variable(biasInit.tensor(shape: [outFeatures], using: &rng), requiresGrad: true) : nil
    }

    /// A layer around given tensors (weight `[out, in]`, bias `[out]`).
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>?) {
        precondition(weight.rank == 2, "Linear: weight must be [out, in], got \(weight.shape)")
        precondition(bias == nil || bias!.shape == [weight.shape[0]], "Linear: bias must be [\(weight.shape[0])], got \(bias!.shape)")
        self.weight = Variable(weight, requiresGrad: true)
        self.bias = bias.map { Variable($0, requiresGrad: true) }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        precondition(
            input.shape.count == 2 && input.shape[1] == inFeatures,
            ShapeError(operation: "Linear(\(inFeatures) → \(outFeatures))", shapes: [input.shape, weight.shape],
                       reason: "input must be [batch, \(inFeatures)]").description)
        return Variable.linear(input, weight: weight, bias: bias)
    }

    public override var localParameters: [(name: String, variable: Variable<Scalar>)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override var weightParameters: [Variable<Scalar>] { [weight] }
    public override var unitWeights: Variable<Scalar>? { weight }

    public override func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        guard inputShape.count == 2, inputShape[1] == inFeatures else {
            throw ShapeError(operation: "Linear(\(inFeatures) → \(outFeatures))", shapes: [inputShape, weight.shape],
                             reason: "input must be [batch, \(inFeatures)]")
        }
        return [inputShape[0], outFeatures]
    }

    public override var summary: String { "Linear(\(inFeatures) → \(outFeatures))" }
}
