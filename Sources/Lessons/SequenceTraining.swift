import Autodiff
import Datasets
import Initializers
import Layers
import Losses
import Optimizers
import TensorCore
import Training

/// The training behind the recurrent lessons: one recurrent layer and a Linear head on a
/// synthetic long-range task, with the gradient through time measured before training.
struct SequenceTraining {
    /// The adding problem (regression; metric: test MSE, chance: the targets' variance) or
    /// temporal order (4 classes; metric: test accuracy, chance 25 %).
    enum Task: String {
        case adding
        case temporalOrder = "temporal order"

        var loss: Loss { self == .adding ? .mse : .crossEntropy }
        var outputs: Int { self == .adding ? 1 : 4 }
        var inputs: Int { self == .adding ? 2 : 6 }

        func data(length: Int, samples: Int, using rng: inout RandomGenerator) -> InMemoryDataset<Float> {
            self == .adding ? SyntheticData.adding(length: length, samples: samples, using: &rng)
                : SyntheticData.temporalOrder(length: length, samples: samples, using: &rng)
        }
    }

    struct Run {
        /// Test MSE (adding) or test accuracy (temporal order).
        let metric: Double
        /// What predicting without the inputs scores: the test targets' variance, or 25 %.
        let chance: Double
        let history: History
        /// ‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ on the first batch, before any step.
        let firstOverLast: Double
        let clipping: ClipStatistics
        let task: Task
        /// Whether the metric is clearly better than chance: MSE below half the variance, or
        /// accuracy 15 points above chance.
        var learned: Bool { metric.isFinite && (task == .adding ? metric < chance / 2 : metric > chance + 0.15) }
    }

    static func run(
        _ cell: RecurrentCell, task: Task, length: Int, hidden: Int, samples: Int, epochs: Int, seed: UInt64,
        recurrentInitializer: Initializer? = nil, clip: ClipRule? = nil,
        optimizer: ([Variable<Float>]) throws -> Optimizer<Float> = { try Adam(parameters: $0, learningRate: 1e-2) }
    ) throws -> Run {
        var dataRNG = RandomGenerator(seed: seed)
        let train = task.data(length: length, samples: samples, using: &dataRNG)
        let test = task.data(length: length, samples: Swift.max(samples / 4, 64), using: &dataRNG)
        var rng = RandomGenerator(seed: seed &+ 1)
        let layer = RecurrentLayer<Float>(
            cell: cell, inputSize: task.inputs, hiddenSize: hidden, bias: true, returnsSequences: false,
            inputWeightInitializer: nil, recurrentWeightInitializer: recurrentInitializer, biasInitializer: nil, using: &rng)
        let model = Sequential<Float>(layer, Linear(hidden, task.outputs, using: &rng))
        // The gradient through time at initialisation, on the first 32 samples.
        let probe = test.batches(batchSize: 32).first!
        task.loss(model(Variable(probe.inputs)), probe.targets).backward()
        let norms = layer.hiddenGradientNorms
        let firstOverLast = norms.first! / norms.last!
        model.zeroGrad()
        let clipper = try GradientClipper(rule: clip, nonFinite: .skip)
        let trainer = try Trainer(model: model, loss: task.loss, optimizer: try optimizer(model.parameters), clipper: clipper)
        var order = RandomGenerator(seed: seed &+ 2)
        let history = try trainer.train(on: train, epochs: epochs, batchSize: 32, using: &order)
        let evaluation = trainer.evaluate(on: test)
        let chance: Double
        if task == .adding {
            let targets = test.targets.scalars.map(Double.init)
            let mean = targets.reduce(0, +) / Double(targets.count)
            chance = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(targets.count)
        } else {
            chance = 0.25
        }
        return Run(metric: task == .adding ? evaluation.loss : evaluation.accuracy ?? .nan, chance: chance, history: history,
                   firstOverLast: firstOverLast, clipping: clipper.statistics, task: task)
    }
}
