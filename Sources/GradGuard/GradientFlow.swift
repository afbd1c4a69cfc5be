/// The gradient that reaches each layer of a freshly initialised MLP: ‖∂L/∂z‖ at every
/// Linear layer's output for one batch (source article 002's chain-rule product, measured).
public struct GradientFlow: Sendable {
    /// One configuration's measurement.
    public struct Row: Sendable {
        public let label: String
        /// ‖∂L/∂z‖ per Linear layer, input side first.
        public let norms: [Double]
        /// First layer's norm over the last one's: ≪ 1 vanishes, ≫ 1 explodes.
        public var firstOverLast: Double { norms.first! / norms.last! }
    }

    /// Measures one MLP `[width] * depth → classes` with `activation` and `initializer`
    /// (biases zero) on a fixed N(0, 1) batch with random labels and cross-entropy.
    public static func measure(
        label: String, activation: Activation, initializer: Initializer,
        depth: Int = 8, width: Int = 64, classes: Int = 10, batch: Int = 64, seed: UInt64 = 0
    ) -> Row {
        precondition(depth >= 1 && width >= 1 && classes >= 2 && batch >= 1, "GradientFlow: sizes must be positive")
        var rng = RandomGenerator(seed: seed)
        var layers: [Module<Double>] = []
        for i in 0..<depth {
            layers.append(Linear(width, i == depth - 1 ? classes : width, weightInitializer: initializer,
                                 biasInitializer: .zeros, using: &rng))
            if i < depth - 1 { layers.append(ActivationLayer(activation)) }
        }
        let model = Sequential(layers)
        let tap = LayerTap(model) { _, module in module is Linear<Double> }
        let x = Variable(Tensor<Double>.normal(shape: [batch, width], using: &rng))
        let labels = (0..<batch).map { _ in Double(Int(rng.next() % UInt64(classes))) }
        Loss.crossEntropy(model(x), Tensor(labels)).backward()
        return Row(label: label, norms: tap.collect().map { $0.gradient?.l2Norm() ?? 0 })
    }
}
