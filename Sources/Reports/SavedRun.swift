import Vocabulary
import Autodiff
import Checkpoints
import Datasets
import Experiments
import Foundation
import Losses
import TensorCore
import Training

/// A run read back from its folder for `gradguard evaluate` and `predict`: the experiment is
/// rebuilt from `experiment.json` (same seed, so the same splits and scaling) and trained
/// weights are loaded into the model.
public struct SavedRun {
    /// Which weights to load.
    public enum Weights: Equatable, Sendable {
        /// `weights.safetensors`, the last step's.
        case final
        /// `best.safetensors`, the epoch with the lowest validation loss.
        case best
        /// A safetensors file with PyTorch `state_dict` names.
        case file(String)
    }

    /// One of the run's own data splits.
    public enum Split: String, CaseIterable, Sendable {
        case train, validation, test
    }

    public let folder: RunFolder
    public let setup: ExperimentSetup<Float>
    /// The file the weights came from.
    public let weightsPath: String

    /// Opens the run folder at `path` and loads `weights` (default: the final weights).
    public init(path: String, weights: Weights = .final) throws(DataFormatError) {
        folder = try RunFolder(existing: path)
        let experiment = try folder.experiment().experiment
        do { setup = try ExperimentSetup(experiment) } catch { throw DataFormatError(source: path, reason: "\(error)") }
        weightsPath = switch weights {
        case .final: folder.file("weights.safetensors")
        case .best: folder.file(RunFolder.bestWeightsFile)
        case .file(let other): other
        }
        if weights == .best, !FileManager.default.fileExists(atPath: weightsPath) {
            throw DataFormatError(source: path, reason: "has no \(RunFolder.bestWeightsFile): the run had no validation set (set data.validation_fraction or patience)")
        }
        do { try setup.model.loadSafetensors(from: weightsPath) } catch { throw DataFormatError(source: "weights", reason: "\(error)") }
    }

    /// One of the run's splits, or an error naming why it has none.
    public func data(_ split: Split) throws(DataFormatError) -> InMemoryDataset<Float> {
        let set: InMemoryDataset<Float>? = switch split {
        case .train: setup.data.train as? InMemoryDataset<Float>
        case .validation: setup.data.validation
        case .test: setup.data.test
        }
        guard let set else {
            throw DataFormatError(source: folder.path, reason: "the run has no \(split.rawValue) set (data kind \(setup.experiment.data.name))")
        }
        return set
    }

    /// The samples a data file names (an experiment file's `data` object, or a file holding only
    /// that object), all of them, scaled as the run's training data was and with class labels
    /// mapped to the run's class indices. Errors name what does not fit the model.
    public func data(file path: String) throws(DataFormatError) -> InMemoryDataset<Float> {
        let url = URL(fileURLWithPath: path)
        var spec: DataSpec
        do {
            let object = try JSONSerialization.jsonObject(with: try FileInput.bytes(path))
            let dataObject = ((object as? [String: Any])?["data"]) ?? object
            spec = try JSONDecoder().decode(DataSpec.self, from: JSONSerialization.data(withJSONObject: dataObject))
        } catch let error as DataFormatError {
            throw error
        } catch let error as DecodingError {
            throw DataFormatError(source: path, reason: ExperimentError(file: url.lastPathComponent, decoding: error).description)
        } catch {
            throw DataFormatError(source: path, reason: "expected a JSON object with a \"data\" object (docs/experiment-format.md, \"Data\")")
        }
        (spec.testFraction, spec.validationFraction, spec.standardize) = (0, nil, false)
        var rng = RandomGenerator(seed: setup.experiment.seed)
        let loaded: ExperimentData<Float>
        do {
            loaded = try ExperimentData.load(spec, relativeTo: url.deletingLastPathComponent().path, file: url.lastPathComponent,
                                             forTraining: false, using: &rng)
        } catch { throw DataFormatError(source: path, reason: "\(error)") }
        guard var set = loaded.train as? InMemoryDataset<Float> else {
            throw DataFormatError(source: path, reason: "data kind \(spec.name) has no fixed samples to score")
        }
        guard loaded.sampleShape == setup.data.sampleShape else {
            throw DataFormatError(source: path, reason: "one sample is \(loaded.sampleShape), the model was trained on \(setup.data.sampleShape)")
        }
        guard (loaded.classes == nil) == (classCount == nil) else {
            throw DataFormatError(source: path, reason: classCount == nil
                ? "has class labels, the model does regression" : "has numeric targets, the model classifies")
        }
        if let classes = classCount {
            set = try relabel(set, names: loaded.classNames, classes: classes, source: path)
        } else if Array(set.targets.shape.dropFirst()) != setup.data.targetShape {
            throw DataFormatError(source: path, reason: "targets are \(Array(set.targets.shape.dropFirst())) per sample, the model gives \(setup.data.targetShape)")
        }
        if setup.loss == .bceWithLogits { set = InMemoryDataset(inputs: set.inputs, targets: set.targets.reshaped([set.count, 1])) }
        return setup.data.scaling?.apply(to: set) ?? set
    }

    /// Class labels as the run's indices: by name when both files named their classes (CSV),
    /// else as indices, which must be below the model's class count.
    private func relabel(_ set: InMemoryDataset<Float>, names: [String]?, classes: Int, source: String) throws(DataFormatError) -> InMemoryDataset<Float> {
        var labels = set.targets.scalars
        if let names, let known = setup.data.classNames {
            let index = Dictionary(uniqueKeysWithValues: known.enumerated().map { ($1, $0) })
            for (i, label) in labels.enumerated() {
                let name = names[Int(label)]
                guard let mapped = index[name] else {
                    throw DataFormatError(source: source, reason: "class \"\(name)\" was not in the training data (classes: \(known.joined(separator: ", ")))")
                }
                labels[i] = Float(mapped)
            }
        } else if let largest = labels.max(), Int(largest) >= classes {
            throw DataFormatError(source: source, reason: "class index \(Int(largest)) is beyond the model's \(classes) classes")
        }
        return InMemoryDataset(inputs: set.inputs, targets: Tensor(labels))
    }

    /// The model's loss, accuracy and confusion matrix on `data`.
    public func evaluate(_ data: InMemoryDataset<Float>) -> Evaluation { setup.trainer.evaluate(on: data) }

    /// The model's outputs for `inputs` (`[samples] + sampleShape`, unscaled: the run's scaling
    /// is applied here), in evaluation mode: class probabilities (softmax, or σ for BCE's one
    /// logit as [P(0), P(1)]) for classification, the outputs for regression.
    public func predict(_ inputs: Tensor<Float>) throws(DataFormatError) -> (outputs: Tensor<Float>, classes: [Int]?) {
        guard Array(inputs.shape.dropFirst()) == setup.data.sampleShape else {
            throw DataFormatError(source: "input", reason: "one sample is \(Array(inputs.shape.dropFirst())), the model was trained on \(setup.data.sampleShape)")
        }
        let scaled = setup.data.scaling?.apply(to: InMemoryDataset(inputs: inputs, targets: Tensor(zeros: [inputs.shape[0]])))
            .inputs ?? inputs
        let model = setup.model
        model.eval()
        defer { model.train() }
        let logits = GradMode.withoutGrad { model(Variable(scaled)).value }
        let classes = Trainer<Float>.predictedClasses(setup.loss, logits)
        switch setup.loss {
        case .mse: return (logits, nil)
        case .crossEntropy: return (logits.softmax(), classes)
        case .bceWithLogits:
            let p = logits.applying(.sigmoid).scalars
            return (Tensor(shape: [p.count, 2], scalars: p.flatMap { [1 - $0, $0] }), classes)
        }
    }

    /// The number of classes the model tells apart (2 for `bce_with_logits`), nil for regression.
    public var classCount: Int? { setup.loss == .bceWithLogits ? 2 : setup.data.classes }

    /// The class names for printing: the file's labels (CSV), or the indices.
    public var classNames: [String]? {
        setup.data.classNames ?? classCount.map { (0..<$0).map(String.init) }
    }
}
