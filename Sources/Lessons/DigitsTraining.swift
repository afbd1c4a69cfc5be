import Foundation
import Autodiff
import Datasets
import Initializers
import Layers
import Losses
import Monitor
import Optimizers
import TensorCore
import Training

/// The training behind the lessons that train: an MLP on the embedded digits (80 % train,
/// 20 % test, the same split and batch order for every configuration of a lesson), watched by
/// the gradient monitor.
struct DigitsTraining {
    /// How one MLP is built: `depth` Linear layers of `width` (input 64, output 10), each but
    /// the last followed by an optional BatchNorm and `activation`; with `residual`, every
    /// hidden block after the first is `x + block(x)`.
    struct Model {
        var depth: Int
        var width: Int
        var activation: Activation
        /// nil: PyTorch's default (U(±1/√fan_in)).
        var initializer: Initializer?
        var biasInitializer: Initializer? = nil
        var batchNorm = false
        var residual = false
        /// The Linear layers inside residual blocks (default: `initializer`).
        var branchInitializer: Initializer? = nil
    }

    /// What a run left: its history, test metrics, and per recorded step the Linear layers'
    /// weight-gradient and weight norms and identical-unit fractions, input side first.
    struct Run {
        let history: History
        let testLoss: Double
        let testAccuracy: Double
        let gradientNorms: [[Double]]
        let weightNorms: [[Double]]
        let identicalUnits: [[Double]]
        let clipping: ClipStatistics
        /// Every record the monitor took.
        let records: [StepRecord]
        /// First Linear layer's gradient norm over the last one's at the first step.
        var firstOverLast: Double { gradientNorms.first.map { ($0.first ?? .nan) / ($0.last ?? .nan) } ?? .nan }
    }

    let train: InMemoryDataset<Float>
    let test: InMemoryDataset<Float>

    init(seed: UInt64) throws {
        let (inputs, targets) = try Digits.load(as: Float.self)
        var splitter = RandomGenerator(seed: seed)
        (train, test) = InMemoryDataset(inputs: inputs, targets: targets).split(testFraction: 0.2, using: &splitter)
    }

    static func build(_ m: Model, using rng: inout RandomGenerator) -> Sequential<Float> {
        func linear(_ input: Int, _ output: Int, branch: Bool = false) -> Linear<Float> {
            let initializer = (branch ? m.branchInitializer : nil) ?? m.initializer ?? .pytorchLinearWeight
            return Linear(input, output, weightInitializer: initializer, biasInitializer: m.biasInitializer, using: &rng)
        }
        var layers: [Module<Float>] = []
        for i in 0..<m.depth {
            let input = i == 0 ? Digits.featureCount : m.width
            if i == m.depth - 1 {
                layers.append(linear(input, 10))
                break
            }
            var block: [Module<Float>] = [linear(input, m.width, branch: m.residual && i > 0)]
            if m.batchNorm { block.append(BatchNorm1d(features: m.width)) }
            block.append(ActivationLayer(m.activation))
            if m.residual && i > 0 { layers.append(Residual(Sequential(block))) } else { layers += block }
        }
        return Sequential(layers)
    }

    /// Trains `model` for `epochs` with `optimizer` (given the parameters) and `clip`, recording
    /// every `recordEvery`-th step.
    func run(
        _ model: Model, epochs: Int, seed: UInt64, recordEvery: Int = 10,
        optimizer: ([Variable<Float>]) throws -> Optimizer<Float> = { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9) },
        clip: ClipRule? = nil
    ) throws -> Run {
        var rng = RandomGenerator(seed: seed &+ 1)
        return try train(Self.build(model, using: &rng), epochs: epochs, seed: seed, recordEvery: recordEvery, optimizer: optimizer, clip: clip)
    }

    /// Trains an existing network (as `run` does after building one).
    func train(
        _ network: Sequential<Float>, epochs: Int, seed: UInt64, recordEvery: Int = 10,
        optimizer: ([Variable<Float>]) throws -> Optimizer<Float>, clip: ClipRule? = nil
    ) throws -> Run {
        let clipper = try GradientClipper(rule: clip, nonFinite: .skip)
        let trainer = try Trainer(model: network, loss: .crossEntropy, optimizer: try optimizer(network.parameters), clipper: clipper)
        let monitor = GradientMonitor(model: network, every: recordEvery)
        monitor.attach(to: trainer)
        defer { monitor.detach() }
        var order = RandomGenerator(seed: seed &+ 2)
        let history = try trainer.train(on: train, epochs: epochs, batchSize: 64, using: &order)
        let evaluation = trainer.evaluate(on: test)
        let linear = { (record: StepRecord) in record.layers.filter { $0.kind.hasPrefix("Linear") } }
        return Run(
            history: history, testLoss: evaluation.loss, testAccuracy: evaluation.accuracy ?? .nan,
            gradientNorms: monitor.records.map { linear($0).map { $0.gradNorm ?? .nan } },
            weightNorms: monitor.records.map { linear($0).map { $0.weightNorm ?? .nan } },
            identicalUnits: monitor.records.map { linear($0).dropLast().map { $0.identicalUnitFraction ?? .nan } },
            clipping: clipper.statistics, records: monitor.records)
    }
}

extension LessonSeries {
    /// Epoch losses from 1.
    init(epochLosses name: String, _ history: History, dashed: Bool = false) {
        self.init(name: name, x: (0..<history.epochLosses.count).map { Double($0 + 1) }, y: history.epochLosses, dashed: dashed)
    }
}

/// A number for a table cell: 3 significant digits.
func cell(_ v: Double) -> String { v.isFinite ? String(format: "%.3g", v) : (v.isNaN ? "NaN" : "∞") }

/// A percentage for a table cell.
func percent(_ v: Double) -> String { v.isFinite ? String(format: "%.1f %%", 100 * v) : "–" }
