import Vocabulary
import Diagnosis
import Experiments
import Initializers
import Layers
import Optimizers
import TensorCore

/// One of the seeds' remedies, as a change to an experiment: a different initialisation,
/// activation, BatchNorm, shortcuts, clipping, learning rate, optimizer or depth.
public enum Remedy: String, Sendable, CaseIterable, Codable {
    /// He (Kaiming normal, fan_in) for ReLU-family layers, Xavier normal (tanh gain 5/3) otherwise.
    case fanInInit = "fan_in_init"
    /// ReLU in place of sigmoid/tanh, with He initialisation.
    case reluWithHeInit = "relu_he_init"
    /// LeakyReLU (slope 0.01) in place of ReLU.
    case leakyReLU = "leaky_relu"
    case batchNorm = "batchnorm"
    case residual
    /// Gradient-norm clipping at 1.0 (Pascanu et al., 2013).
    case clipping = "clip_grad_norm"
    case lowerLearningRate = "lower_lr"
    case higherLearningRate = "higher_lr"
    /// Adam with PyTorch's defaults (lr 1e-3) (Kingma & Ba, 2015).
    case adam
    /// Half the hidden blocks of unchanged width.
    case fewerLayers = "fewer_layers"
    /// Less L2 and weight decay (÷100).
    case lessDecay = "less_weight_decay"
    /// A GRU of the same hidden size in place of an RNN or LSTM (Cho et al. 2014): its update
    /// gate carries the state, and the gradient, across time.
    case gruCell = "gru_cell"
    /// An LSTM of the same hidden size, forget-gate bias 1, in place of an RNN (Hochreiter &
    /// Schmidhuber 1997; Jozefowicz et al. 2015).
    case lstmCell = "lstm_cell"
    /// W_hh orthogonal (gain 1): every eigenvalue on the unit circle, so Wᵗ neither shrinks nor
    /// grows a gradient (Saxe et al. 2014; Le et al. 2015).
    case orthogonalRecurrent = "orthogonal_recurrent_init"
    /// An LSTM's forget-gate bias at 1, so it keeps its state by default (Jozefowicz et al. 2015).
    case forgetGateBias = "forget_gate_bias"
    /// Standardised inputs (`data.standardize`): features of very different or large scales
    /// saturate sigmoid/tanh units and make the first layer's gradient huge (LeCun et al. 1998,
    /// "Efficient BackProp").
    case standardizeInputs = "standardize_inputs"

    /// The remedies worth trying for `finding` (the main problem), most specific first: through
    /// time, the recurrent remedies; otherwise those for its kind. With the factor decomposition's
    /// `driver`, the remedies that act on the driving factor come first: the activation's
    /// derivative → a new activation or BatchNorm; the weight scale → initialisation; a gate at
    /// rest → a forget-gate bias or a GRU; the recurrent weight → an orthogonal W_hh.
    public static func candidates(for finding: Finding?, driver: String? = nil) -> [Remedy] {
        guard let finding else { return [] }
        let base: [Remedy]
        switch (finding.kind, finding.axis) {
        case (.vanishingGradient, .time?): base = [.gruCell, .lstmCell, .forgetGateBias, .orthogonalRecurrent, .adam, .higherLearningRate]
        case (.explodingGradient, .time?): base = [.clipping, .orthogonalRecurrent, .gruCell, .lowerLearningRate, .adam]
        default: base = candidates(for: finding.kind)
        }
        let first: [Remedy]
        switch driver {
        case "activation_derivative": first = [.reluWithHeInit, .leakyReLU, .batchNorm]
        case "weight_scale": first = [.fanInInit, .orthogonalRecurrent]
        case "gate": first = [.forgetGateBias, .gruCell]
        case "recurrent_weights": first = [.orthogonalRecurrent, .gruCell]
        default: first = []
        }
        return first.filter(base.contains) + base.filter { !first.contains($0) }
    }

    /// The remedies worth trying for `kind`, most specific first (the source articles' remedies).
    public static func candidates(for kind: ProblemKind) -> [Remedy] {
        switch kind {
        case .vanishingGradient: [.reluWithHeInit, .fanInInit, .batchNorm, .residual, .adam, .fewerLayers]
        case .explodingGradient: [.clipping, .lowerLearningRate, .fanInInit, .batchNorm, .adam, .standardizeInputs]
        case .nonFinite: [.clipping, .lowerLearningRate, .fanInInit, .adam]
        case .dyingReLU: [.leakyReLU, .lowerLearningRate, .fanInInit, .adam]
        case .saturation: [.fanInInit, .reluWithHeInit, .batchNorm, .standardizeInputs]
        case .oscillatingLoss: [.lowerLearningRate, .adam, .clipping]
        case .slowConvergence: [.higherLearningRate, .adam, .fanInInit]
        case .symmetry, .weightsAtZero: [.fanInInit]
        case .weightsGrowing: [.lowerLearningRate, .clipping]
        case .weightsShrinking: [.lessDecay]
        case .healthy: []
        }
    }

    /// A learning rate as a repair's change shows it: 3 significant digits (`1e-06`, not
    /// `1.0000000000000002e-06`).
    static func learningRateText(_ rate: Double) -> String { String(format: "%.3g", rate) }

    /// `experiment` with this remedy applied and what changed (key → new value), or nil when it
    /// does not apply (no sigmoid to replace, no block to wrap …).
    public func apply(to experiment: Experiment) -> (experiment: Experiment, changes: [String: String])? {
        var e = experiment
        let hidden = e.layers.compactMap(\.activation)
        switch self {
        case .fanInInit:
            let reluFamily = !hidden.isEmpty && hidden.allSatisfy { [.relu, .leakyReLU(negativeSlope: 0.01), .elu(alpha: 1), .gelu].contains($0) }
            let initial: WeightInit = reluFamily ? .weights(.kaimingNormal(nonlinearity: .relu))
                : .weights(.xavierNormal(gain: hidden.contains(.tanh) ? 5.0 / 3.0 : 1))
            e.layers = e.layers.map { $0.withInit(initial) }
            guard e.layers != experiment.layers else { return nil }
            return (e, ["model.init": initial.name])
        case .reluWithHeInit, .leakyReLU:
            let from: Set<Activation> = self == .leakyReLU ? [.relu] : [.sigmoid, .tanh]
            let to: Activation = self == .leakyReLU ? .leakyReLU(negativeSlope: 0.01) : .relu
            guard hidden.contains(where: from.contains) else { return nil }
            e.layers = e.layers.map { $0.replacingActivations(from, with: to) }
            var changes = ["model.activation": to.name]
            if self == .reluWithHeInit {
                e.layers = e.layers.map { $0.withInit(.weights(.kaimingNormal(nonlinearity: .relu))) }
                changes["model.init"] = "kaiming_normal"
            }
            return (e, changes)
        case .batchNorm:
            guard !e.layers.contains(where: \.isNormalization) else { return nil }
            e.layers = LayerPlan.insertingBatchNorm(e.layers)
            guard e.layers != experiment.layers else { return nil }
            return (e, ["model.batchnorm": "true"])
        case .residual:
            e.layers = LayerPlan.wrappingResidual(e.layers)
            guard e.layers != experiment.layers else { return nil }
            return (e, ["model.residual": "true"])
        case .clipping:
            guard e.clip == nil else { return nil }
            e.clip = ClipSpec(rule: .norm(maxNorm: 1, normType: .l2))
            return (e, ["clip": "norm, max_norm 1.0"])
        case .lowerLearningRate, .higherLearningRate:
            let lr = e.optimizer.effectiveLearningRate
            let next = self == .lowerLearningRate ? lr / 10 : lr * 10
            e.optimizer.learningRate = next
            return (e, ["optimizer.lr": Remedy.learningRateText(next)])
        case .adam:
            guard e.optimizer.kind != .adam else { return nil }
            e.optimizer = OptimizerSpec(kind: .adam, learningRate: 1e-3)
            return (e, ["optimizer": "adam, lr 0.001"])
        case .fewerLayers:
            guard let shorter = LayerPlan.droppingHalfTheBlocks(e.layers) else { return nil }
            let before = e.layers.filter(\.isLinear).count
            e.layers = shorter
            return (e, ["model.linear_layers": "\(before) → \(shorter.filter(\.isLinear).count)"])
        case .lessDecay:
            let decay = e.optimizer.weightDecay ?? 0
            guard e.l2 > 0 || decay > 0 else { return nil }
            e.l2 /= 100
            if decay > 0 { e.optimizer.weightDecay = decay / 100 }
            return (e, ["l2": "\(e.l2)", "optimizer.weight_decay": "\(e.optimizer.weightDecay ?? 0)"])
        case .standardizeInputs:
            guard !e.data.standardize else { return nil }
            e.data.standardize = true
            return (e, ["data.standardize": "true"])
        case .gruCell, .lstmCell:
            let target: RecurrentCell = self == .gruCell ? .gru : .lstm
            let replaceable: (RecurrentCell) -> Bool = { cell in
                if case .rnn = cell { return true }
                return cell == .lstm && target == .gru
            }
            guard e.layers.contains(where: { $0.recurrentPlan.map { replaceable($0.cell) } ?? false }) else { return nil }
            e.layers = e.layers.map { $0.changingRecurrent { plan in
                guard replaceable(plan.cell) else { return }
                plan.cell = target
                plan.forgetBias = target == .lstm ? 1 : nil
            } }
            return (e, ["model.cell": target == .lstm ? "lstm (forget_bias 1)" : "gru"])
        case .orthogonalRecurrent:
            let orthogonal = WeightInit.weights(.orthogonal())
            guard e.layers.contains(where: { $0.recurrentPlan != nil && $0.recurrentPlan!.recurrentInit != orthogonal }) else { return nil }
            e.layers = e.layers.map { $0.changingRecurrent { $0.recurrentInit = orthogonal } }
            return (e, ["model.recurrent_init": "orthogonal"])
        case .forgetGateBias:
            guard e.layers.contains(where: { $0.recurrentPlan?.cell == .lstm && $0.recurrentPlan?.forgetBias != 1 }) else { return nil }
            e.layers = e.layers.map { $0.changingRecurrent { if $0.cell == .lstm { $0.forgetBias = 1 } } }
            return (e, ["model.forget_bias": "1"])
        }
    }
}
