import Vocabulary
import Datasets
import Layers
import Losses
import Optimizers
import TensorCore
import Training

/// Everything an experiment needs to train, built and checked: data, model, loss, optimizer,
/// clipper, schedule and length. Three seeded streams keep data, initialisation and shuffling
/// independent, so a repair that changes the model keeps the same data and batch order.
public struct ExperimentSetup<Scalar: TensorScalar> {
    public let experiment: Experiment
    public let data: ExperimentData<Scalar>
    public let model: Sequential<Scalar>
    public let loss: Loss
    public let trainer: Trainer<Scalar>
    /// Epochs to run (with `steps`, enough epochs to hold them).
    public let epochs: Int
    /// The step budget when the file gives `steps`.
    public let maxSteps: Int?
    /// Shuffles the batches.
    public var shuffling: RandomGenerator

    /// Builds `experiment`; `data` reuses an already loaded data set (repairs keep the data).
    public init(_ experiment: Experiment, data preloaded: ExperimentData<Scalar>? = nil) throws(ExperimentError) {
        let file = experiment.file
        func fail(_ key: String, _ message: String) -> ExperimentError { ExperimentError(file: file, key: key, message: message) }
        var dataRNG = RandomGenerator(seed: experiment.seed)
        var modelRNG = RandomGenerator(seed: experiment.seed ^ 0x5DEE_CE66_D1CE_4E5B)
        shuffling = RandomGenerator(seed: experiment.seed ^ 0x2545_F491_4F6C_DD1D)
        var data: ExperimentData<Scalar>
        if let preloaded { data = preloaded } else {
            data = try ExperimentData.load(experiment.data, relativeTo: experiment.folder, file: file, using: &dataRNG)
        }
        let loss = experiment.loss ?? (data.classes == nil ? .mse : .crossEntropy)
        do {
            model = try LayerPlan.buildModel(experiment.layers, using: &modelRNG)
        } catch {
            throw fail("model", "\(error)")
        }
        let output: [Int]
        do {
            output = try model.outputShape(for: [experiment.batchSize] + data.sampleShape)
        } catch {
            throw fail("model", "does not fit the data (one sample is \(data.sampleShape)): \(error)")
        }
        switch loss {
        case .crossEntropy:
            guard let classes = data.classes else {
                throw fail("loss", "cross_entropy needs class labels, but data kind \(experiment.data.name) is regression (use mse)")
            }
            guard output == [experiment.batchSize, classes] else {
                throw fail("model", "the model gives \(output.dropFirst()) outputs per sample, cross_entropy over \(classes) classes needs [\(classes)]")
            }
        case .mse:
            guard data.classes == nil else {
                throw fail("loss", "mse needs numeric targets, but data kind \(experiment.data.name) has class labels (use cross_entropy)")
            }
            guard Array(output.dropFirst()) == data.targetShape else {
                throw fail("model", "the model gives \(Array(output.dropFirst())) outputs per sample, the targets are \(data.targetShape)")
            }
        case .bceWithLogits:
            guard output.dropFirst() == [1], data.classes == 2 || data.targetShape == [1] else {
                throw fail("loss", "bce_with_logits needs one output and two classes or 0/1 targets, got \(Array(output.dropFirst())) outputs")
            }
            if data.classes == 2 { data = data.withColumnTargets() }
        }
        let optimizer: Optimizer<Scalar>, clipper: GradientClipper
        do { optimizer = try experiment.optimizer.make(model.parameters) } catch { throw fail("optimizer", error.description) }
        do { clipper = try experiment.clip?.makeClipper() ?? GradientClipper(rule: nil, nonFinite: .skip) } catch { throw fail("clip", "\(error)") }
        let schedule: (any LearningRateSchedule)?
        do { schedule = try experiment.schedule?.make(baseLearningRate: optimizer.learningRate) } catch { throw fail("schedule", error.description) }
        do {
            trainer = try Trainer(model: model, loss: loss, optimizer: optimizer, clipper: clipper, l2: experiment.l2, schedule: schedule)
        } catch { throw fail("l2", error.description) }
        let batches = data.train.batchCount(batchSize: experiment.batchSize)
        switch experiment.length {
        case .epochs(let n): (epochs, maxSteps) = (n, nil)
        case .steps(let n): (epochs, maxSteps) = ((n + batches - 1) / batches, n)
        }
        self.experiment = experiment
        self.data = data
        self.loss = loss
    }

    /// The validation set and its plan, when the experiment has one.
    public var validation: Validation<Scalar>? {
        guard let set = data.validation else { return nil }
        return Validation(data: set, plan: experiment.validation ?? ValidationPlan())
    }

    /// Optimizer steps the run will take (at most: early stopping may end it sooner).
    public var totalSteps: Int { Swift.min(epochs * data.train.batchCount(batchSize: experiment.batchSize), maxSteps ?? .max) }
}

extension ExperimentData {
    /// Binary class labels `[n]` as `[n, 1]` 0/1 targets (for `bce_with_logits`).
    func withColumnTargets() -> ExperimentData {
        func column(_ d: InMemoryDataset<Scalar>) -> InMemoryDataset<Scalar> {
            InMemoryDataset(inputs: d.inputs, targets: d.targets.reshaped([d.count, 1]), shuffles: d.shuffles)
        }
        return ExperimentData(train: (train as? InMemoryDataset<Scalar>).map(column) ?? train, test: test.map(column),
                              validation: validation.map(column), classes: nil, sampleShape: sampleShape, targetShape: [1],
                              scaling: scaling, classNames: classNames)
    }
}
