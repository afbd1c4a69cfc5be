import Layers

/// One layer's numbers at one recorded step: how much gradient reached it and what it did.
///
/// Norms are L2 norms over the whole tensor (the batch included for activations). Optional
/// fields are nil where they do not apply (no weight, not a sigmoid/tanh/ReLU layer, no
/// gradient reached the layer).
public struct LayerRecord: Codable, Sendable, Equatable {
    /// The layer's `state_dict` path (`"0"`, `"3.body.1"`).
    public var path: String
    /// What the layer is (`"Linear(64 → 64)"`, `"sigmoid"`).
    public var kind: String
    /// ‖∂L/∂a‖ at the layer's output: the back-propagated gradient, the purest gradient-flow signal.
    public var outputGradNorm: Double?
    /// Mean and standard deviation of the layer's output.
    public var activationMean: Double
    public var activationStd: Double
    /// Sigmoid/tanh layers: fraction of outputs whose derivative is below 1 % of its maximum
    /// (sigmoid: y < 0.0025 or y > 0.9975; tanh: |y| > 0.995).
    public var saturatedFraction: Double?
    /// ReLU layers: fraction of units that output 0 for every sample of the batch.
    public var deadFraction: Double?
    /// Sigmoid, tanh and ReLU layers: mean of the derivative σ′(z) over the batch, read from the
    /// output (sigmoid y(1−y) ≤ 0.25, tanh 1−y² ≤ 1, ReLU 1 where y > 0): the factor this
    /// activation multiplies the back-propagated gradient by (source article 002).
    public var meanDerivative: Double?
    /// Linear layers with ≥ 2 units: the fraction of units 1… whose weight row equals unit 0's
    /// (to 1e-5 of the row's largest weight). 1 means every unit is the same: a constant init
    /// that gradient descent cannot break.
    public var identicalUnitFraction: Double?
    /// ‖W‖ over the layer's weights (not biases), after the step.
    public var weightNorm: Double?
    /// ‖∂L/∂W‖ over the layer's weights as the step used it (after clipping; the trainer
    /// clips before the step callback).
    public var gradNorm: Double?
    /// ‖ΔW‖ of this step's update, and ‖ΔW‖/‖W‖.
    public var updateNorm: Double?
    public var updateRatio: Double?
    /// NaN and ±∞ values in the layer's output, weights and weight gradients.
    public var nonFiniteCount: Int
    /// Recurrent layers: ‖∂L/∂h_t‖ for each time step.
    public var hiddenGradNorms: [Double]?
    /// LSTM and GRU layers: each gate's mean and saturated fraction over the step's forward pass.
    public var gates: [GateSummary]?
    /// The weight, gradient and output distributions, at the steps the monitor takes histograms
    /// (`GradientMonitor.histogramSteps`); nil at the others.
    public var histograms: LayerHistograms?

    public init(path: String, kind: String, activationMean: Double, activationStd: Double) {
        self.path = path
        self.kind = kind
        self.activationMean = activationMean
        self.activationStd = activationStd
        self.nonFiniteCount = 0
    }
}

/// Everything the monitor saw at one recorded training step.
public struct StepRecord: Codable, Sendable, Equatable {
    /// 0-based step and epoch.
    public var step: Int
    public var epoch: Int
    /// The batch's data loss.
    public var loss: Double
    public var learningRate: Double
    /// The global gradient norm before clipping.
    public var totalGradNorm: Double
    /// False when the step was skipped (non-finite gradient under the `skip` policy).
    public var applied: Bool
    /// The factor a norm clipping rule multiplied the gradients by (1: not clipped; the smallest
    /// for per-parameter clipping), or nil without such a rule.
    public var clipScale: Double?
    /// Every observed layer, in model order.
    public var layers: [LayerRecord]

    public init(step: Int, epoch: Int, loss: Double, learningRate: Double, totalGradNorm: Double, applied: Bool,
                clipScale: Double? = nil, layers: [LayerRecord]) {
        self.step = step
        self.epoch = epoch
        self.loss = loss
        self.learningRate = learningRate
        self.totalGradNorm = totalGradNorm
        self.applied = applied
        self.clipScale = clipScale
        self.layers = layers
    }
}
