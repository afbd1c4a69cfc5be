import Checkpoints
import Foundation
import Layers
import Monitor
import TensorCore
import Training

/// A run's whole state between two steps, so that `gradguard train --resume` continues with
/// exactly the numbers an uninterrupted run gives: the model's parameters and buffers, the
/// optimizer's buffers and step counts, every random generator (shuffling, dropout), the
/// position in the epoch and the history so far.
///
/// Stored as one safetensors file: tensors `model/NAME` (the `state_dict`) and
/// `optimizer/STATE/INDEX` (e.g. `optimizer/exp_avg/0`), and the rest as JSON in the
/// metadata entry `gradguard.checkpoint`; PyTorch's `safetensors.torch.load_file` reads the tensors.
public struct TrainingCheckpoint {
    /// The format of the metadata entry.
    public static let version = 1
    /// The metadata key of the JSON part.
    static let metadataKey = "gradguard.checkpoint"

    public var position: TrainingPosition
    public var model: [String: Tensor<Float>]
    public var optimizerState: [String: [Tensor<Float>?]]
    public var optimizerSteps: Int
    public var parameterSteps: [Int]
    /// Module random generators by module path (dropout).
    public var randomStates: [String: RandomGenerator]
    /// How many monitor records the run had written when this was taken (`metrics.jsonl` lines).
    public var recordCount: Int

    /// The state of `trainer` (and its model) now, after `recordCount` records.
    public init(trainer: Trainer<Float>, recordCount: Int) {
        position = trainer.position
        model = trainer.model.stateDict()
        optimizerState = trainer.optimizer.state
        optimizerSteps = trainer.optimizer.stepCount
        parameterSteps = trainer.optimizer.parameterSteps
        randomStates = trainer.model.namedRandomStates()
        self.recordCount = recordCount
    }

    /// Puts the model, optimizer and module generators of `trainer` back to this state (the
    /// position is passed to `Trainer.train(from:)`); an error names what does not fit.
    public func restore(into trainer: Trainer<Float>, source: String) throws(DataFormatError) {
        do { try trainer.model.loadStateDict(model) } catch { throw DataFormatError(source: source, reason: "the model does not fit: \(error)") }
        do {
            try trainer.optimizer.restore(state: optimizerState, stepCount: optimizerSteps, parameterSteps: parameterSteps)
        } catch { throw DataFormatError(source: source, reason: "the optimizer state does not fit: \(error)") }
        trainer.model.loadRandomStates(randomStates)
    }

    /// The JSON part.
    struct Header: Codable {
        var version: Int
        var position: TrainingPosition
        var optimizerSteps: Int
        var parameterSteps: [Int]
        var randomStates: [String: RandomGenerator]
        var recordCount: Int
    }

    /// The safetensors bytes.
    public func encoded() throws -> Data {
        var tensors: [String: Tensor<Float>] = [:]
        for (name, value) in model { tensors["model/\(name)"] = value }
        for (name, buffers) in optimizerState {
            for (index, buffer) in buffers.enumerated() { if let buffer { tensors["optimizer/\(name)/\(index)"] = buffer } }
        }
        let header = Header(version: Self.version, position: position, optimizerSteps: optimizerSteps, parameterSteps: parameterSteps,
                            randomStates: randomStates, recordCount: recordCount)
        let json = String(decoding: try JSONEncoder.gradGuard().encode(header), as: UTF8.self)
        return SafetensorsFile.encode(tensors, metadata: ["format": "pt", Self.metadataKey: json])
    }

    /// Reads a checkpoint file; anything missing or malformed is an error naming `path`.
    public static func read(path: String) throws(DataFormatError) -> TrainingCheckpoint {
        try decode(try FileInput.bytes(path), source: path)
    }

    /// Parses checkpoint bytes; `path` names them in errors.
    public static func decode(_ data: Data, source path: String) throws(DataFormatError) -> TrainingCheckpoint {
        let file = try SafetensorsFile.decode(data, source: path)
        guard let json = file.metadata[metadataKey] else {
            throw DataFormatError(source: path, reason: "not a GradGuard checkpoint (no \(metadataKey) metadata)")
        }
        let header: Header
        do { header = try JSONDecoder.gradGuard().decode(Header.self, from: Data(json.utf8)) } catch {
            throw DataFormatError(source: path, reason: "the checkpoint's state is unreadable: \(error)")
        }
        guard header.version == version else {
            throw DataFormatError(source: path, reason: "checkpoint version \(header.version), this build reads \(version)")
        }
        var model: [String: Tensor<Float>] = [:], optimizer: [String: [Int: Tensor<Float>]] = [:]
        for (name, tensor) in file.tensors(as: Float.self) {
            let parts = name.split(separator: "/", maxSplits: 2).map(String.init)
            if parts.count == 2, parts[0] == "model" {
                model[parts[1]] = tensor
            } else if parts.count == 3, parts[0] == "optimizer", let index = Int(parts[2]), (0..<header.parameterSteps.count).contains(index) {
                optimizer[parts[1], default: [:]][index] = tensor
            } else {
                throw DataFormatError(source: path, reason: "unexpected tensor \(name) in a checkpoint")
            }
        }
        var checkpoint = TrainingCheckpoint(
            position: header.position, model: model, optimizerState: [:], optimizerSteps: header.optimizerSteps,
            parameterSteps: header.parameterSteps, randomStates: header.randomStates, recordCount: header.recordCount)
        for (name, buffers) in optimizer {
            checkpoint.optimizerState[name] = (0..<header.parameterSteps.count).map { buffers[$0] }
        }
        return checkpoint
    }

    init(position: TrainingPosition, model: [String: Tensor<Float>], optimizerState: [String: [Tensor<Float>?]], optimizerSteps: Int,
         parameterSteps: [Int], randomStates: [String: RandomGenerator], recordCount: Int) {
        self.position = position
        self.model = model
        self.optimizerState = optimizerState
        self.optimizerSteps = optimizerSteps
        self.parameterSteps = parameterSteps
        self.randomStates = randomStates
        self.recordCount = recordCount
    }
}
