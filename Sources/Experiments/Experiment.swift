import Vocabulary
import Foundation
import Losses
import Optimizers
import TensorCore
import Training

/// One experiment file (docs/experiment-format.md, version 1): data, model, loss, optimizer, clipping,
/// L2, schedule and training length. `Experiment.load(path:)` reads and checks one.
public struct Experiment: Sendable, Equatable {
    /// How long to train.
    public enum Length: Sendable, Equatable {
        case epochs(Int)
        case steps(Int)
    }

    /// Default: the file's name without its extension.
    public var name: String
    /// Seeds data generation and splitting, initialisation and shuffling (default 0).
    public var seed: UInt64
    public var data: DataSpec
    /// The layers, `mlp` entries expanded.
    public var layers: [LayerPlan]
    /// Default: `cross_entropy` for classification data, `mse` for regression.
    public var loss: Loss?
    /// Default: `{"type": "sgd", "lr": 0.01}`.
    public var optimizer: OptimizerSpec
    public var clip: ClipSpec?
    /// λ of `λ·Σ‖W‖²` (default 0).
    public var l2: Double
    public var schedule: ScheduleSpec?
    /// Default 32.
    public var batchSize: Int
    /// Default 10 epochs.
    public var length: Length
    /// Scoring a held-out validation set (`validate_every`, `patience`, `min_delta`), or nil:
    /// none unless the file asks for one (these keys, or `data.validation_fraction` > 0).
    public var validation: ValidationPlan?
    /// The folder relative data paths are resolved against.
    public var folder: String
    /// Where the experiment came from (for error messages).
    public var file: String

    /// Reads and checks the experiment file at `path`.
    public static func load(path: String) throws(ExperimentError) -> Experiment { try read(path: path).experiment }

    /// Reads and checks the experiment file at `path` (JSON, or YAML by its extension), and gives
    /// the JSON it was parsed from (what a run folder keeps, read once so the two cannot differ).
    public static func read(path: String) throws(ExperimentError) -> (experiment: Experiment, text: Data) {
        let url = URL(fileURLWithPath: path)
        let data = try document(path: path)
        let experiment = try parse(data, file: url.lastPathComponent, defaultName: url.deletingPathExtension().lastPathComponent,
                                   folder: url.deletingLastPathComponent().path)
        return (experiment, data)
    }

    /// The JSON document of the experiment file at `path`: its bytes, or for a `.yaml`/`.yml`
    /// file the JSON it stands for (`YAMLExperiment`), which is what a run folder keeps.
    static func document(path: String) throws(ExperimentError) -> Data {
        let data: Data
        do { data = try FileInput.bytes(path, limit: 16 << 20) } catch { throw ExperimentError(file: path, key: "", message: error.reason) }
        guard YAMLExperiment.isYAML(path) else { return data }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ExperimentError(file: path, key: "", message: "is not UTF-8 text")
        }
        return try YAMLExperiment.json(from: text, source: URL(fileURLWithPath: path).lastPathComponent)
    }

    /// Parses experiment JSON; `file` names it in errors. The text is checked strictly first
    /// (`StrictJSON`: line and column of syntax errors, duplicate keys, NaN literals, overflow).
    public static func parse(_ json: Data, file: String, defaultName: String = "experiment", folder: String = ".") throws(ExperimentError) -> Experiment {
        do { try StrictJSON.validate(json, source: file) } catch { throw ExperimentError(file: file, key: "", message: error.reason) }
        let decoder = JSONDecoder()
        decoder.userInfo[.experimentDefaults] = (defaultName, folder, file)
        do {
            return try decoder.decode(Experiment.self, from: json)
        } catch let error as DecodingError {
            throw ExperimentError(file: file, decoding: error)
        } catch {
            throw ExperimentError(file: file, key: "", message: "\(error)")
        }
    }
}

extension CodingUserInfoKey {
    static let experimentDefaults = CodingUserInfoKey(rawValue: "gradguard.experimentDefaults")!
}

extension Experiment: Decodable {
    static let keys: Set<String> = ["name", "seed", "data", "model", "loss", "optimizer", "clip", "l2", "schedule", "batch_size", "epochs", "steps",
                                        "validate_every", "patience", "min_delta"]

    public init(from decoder: any Decoder) throws {
        let (defaultName, folder, file) = decoder.userInfo[.experimentDefaults] as? (String, String, String) ?? ("experiment", ".", "<string>")
        let c = try decoder.container(keyedBy: SpecKey.self)
        try c.rejectUnknownKeys(Self.keys, in: "an experiment")
        name = try c.optional("name") ?? defaultName
        seed = UInt64(bitPattern: Int64(try c.optional("seed", Int.self) ?? FileDefaults.seed))
        data = try c.required("data")
        let entries: [ModelEntry] = try c.required("model")
        guard !entries.isEmpty else { throw c.fail("model", "expected at least one layer") }
        layers = entries.flatMap(\.layers)
        if let problem = SizeLimits.parameterProblem(CheckedSize.sum(layers.map(\.parameterCount))) { throw c.fail("model", problem) }
        if try c.optional("loss", String.self) != nil { loss = try c.named("loss", "loss", as: Loss.self) }
        optimizer = try c.optional("optimizer") ?? FileDefaults.optimizer
        clip = try c.optional("clip")
        l2 = try c.number("l2", default: FileDefaults.l2, in: 0...Double.greatestFiniteMagnitude, "a number ≥ 0")
        schedule = try c.optional("schedule")
        batchSize = try c.positive("batch_size", default: FileDefaults.batchSize, maximum: SizeLimits.batchSize)
        switch (try c.optional("epochs", Int.self), try c.optional("steps", Int.self)) {
        case (.some, .some): throw c.fail("steps", "give epochs or steps, not both")
        case (_, .some): length = .steps(try c.positive("steps", maximum: SizeLimits.steps))
        default: length = .epochs(try c.positive("epochs", default: FileDefaults.epochs, maximum: SizeLimits.epochs))
        }
        validation = try Self.validationPlan(c, fraction: &data.validationFraction)
        self.folder = folder
        self.file = file
    }

    /// The validation plan the file asks for, and the validation share it implies (0.1 when the
    /// plan's keys are given without `data.validation_fraction`).
    static func validationPlan(_ c: KeyedDecodingContainer<SpecKey>, fraction: inout Double?) throws -> ValidationPlan? {
        let every = try c.optional("validate_every", Int.self) != nil ? try c.positive("validate_every", maximum: SizeLimits.epochs) : nil
        let patience = try c.optional("patience", Int.self) != nil ? try c.positive("patience", maximum: SizeLimits.epochs) : nil
        let minDelta = try c.optional("min_delta", Double.self) != nil
            ? try c.number("min_delta", default: 0, in: 0...Double.greatestFiniteMagnitude, "a number ≥ 0") : nil
        let asked = every != nil || patience != nil || minDelta != nil
        if minDelta != nil, patience == nil { throw c.fail("min_delta", "only early stopping uses it: give patience too") }
        if asked, fraction == 0 {
            throw c.fail(every != nil ? "validate_every" : "patience", "needs a validation set, but data.validation_fraction is 0")
        }
        if asked, fraction == nil { fraction = FileDefaults.validationFraction }
        guard let share = fraction, share > 0 else { return nil }
        return ValidationPlan(every: every ?? FileDefaults.validateEvery, patience: patience, minDelta: minDelta ?? FileDefaults.minDelta)
    }
}
