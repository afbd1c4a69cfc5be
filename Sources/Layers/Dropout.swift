import Autodiff
import TensorCore

/// Inverted dropout (Srivastava et al. 2014), PyTorch's `nn.Dropout(p)`: in training mode each
/// element is zeroed with probability `p` and the survivors scaled by `1/(1 − p)`, so
/// evaluation mode is the identity. Masks come from the layer's own seeded generator.
public final class Dropout<Scalar: TensorScalar>: Module<Scalar> {
    /// The probability of zeroing an element, in [0, 1].
    public let probability: Double
    private var rng: RandomGenerator

    public init(probability: Double = 0.5, seed: UInt64 = 0) {
        precondition(probability >= 0 && probability <= 1, "Dropout: p must be in [0, 1], got \(probability)")
        self.probability = probability
        self.rng = RandomGenerator(seed: seed)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public override func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        guard isTraining, probability > 0 else { return input }
        let keep = 1 - probability
        let scale = keep > 0 ? Scalar(1 / keep) : 0
        let mask = Tensor<Scalar>(shape: input.shape, scalars: (0..<input.value.count).map { _ in
            rng.nextUnit() < keep ? scale : 0
        })
        return input * Variable(mask)
    }

    public override var summary: String { "Dropout(\(probability))" }

    public override var randomState: RandomGenerator? {
        get { rng }
        set { if let newValue { rng = newValue } }
    }
}
