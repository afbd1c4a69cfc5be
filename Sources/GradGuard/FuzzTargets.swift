import Vocabulary
import Foundation

/// Every reader of outside bytes, as one function each, for the fuzzing harness (`fuzz/`,
/// libFuzzer) and for the test that replays the corpus it found (`fuzz/corpus/TARGET/`). A
/// target returns the error the reader gave, or nil when it accepted the bytes; it must never
/// trap, and an error must name its source (`FuzzTargets.source`).
public enum FuzzTargets {
    /// The name every target gives its input in errors.
    public static let source = "fuzz-input"

    /// The targets by name.
    public static let all: [String: @Sendable (Data) -> String?] = [
        "json": { data in failure { () throws(DataFormatError) in try StrictJSON.validate(data, source: source) } },
        "experiment": experiment,
        "npy": { data in failure { () throws(DataFormatError) in _ = try NPY.parse([UInt8](data), source: source) as Tensor<Float> } },
        "idx": { data in
            failure { () throws(DataFormatError) in
                var bytes = [UInt8](data)
                if Gzip.isCompressed(bytes) { bytes = try Gzip.decompress(bytes, source: source, limit: 1 << 24) }
                _ = try IDX.parse(bytes, source: source)
            }
        },
        "csv": { data in
            failure { () throws(DataFormatError) in
                let text = try FileInput.utf8(data, source: source)
                for (column, classification) in [(CSVTable.Column.index(0), true), (.name("y"), false)] {
                    _ = try? CSVTable.parse(text, source: source, target: column, classification: classification) as (InMemoryDataset<Float>, [String])
                }
                _ = try CSVTable.parse(text, source: source, target: .index(0), classification: true) as (InMemoryDataset<Float>, [String])
            }
        },
        "safetensors": { data in
            failure { () throws(DataFormatError) in
                let file = try SafetensorsFile.decode(data, source: source)
                let model = Sequential<Float>(Linear(2, 2, using: &fuzzRNG))
                try? model.loadStateDict(file.tensors(as: Float.self), strict: false)
                _ = try? TrainingCheckpoint.decode(data, source: source)
            }
        },
        "reference": { data in
            let reference: ReferenceCase
            do { reference = try ReferenceCase.decode(data, file: source) } catch { return "\(error)" }
            guard (CheckedSize.sum(reference.model.map(\.parameterCount)) ?? .max) < 100_000,
                  reference.steps <= 3, reference.input.data.count < 100_000 else { return nil }
            do { _ = try reference.run(as: Double.self) } catch { return "\(source): \(error)" }  // as `gradguard reference` reports it
            return nil
        },
        "run-folder": { data in
            failure { () throws(DataFormatError) in
                let text = try FileInput.utf8(data, source: source)
                _ = try? RunStatus.decode(data, source: source)
                _ = try? LossCurves.parse(text, source: source)
                _ = try RunArtifacts.records(text: text, source: source)
            }
        },
    ]

    /// An experiment file: parsed, and built (data and model) when it is small enough to be quick.
    static let experiment: @Sendable (Data) -> String? = { data in
        do {
            let experiment = try Experiment.parse(data, file: source)
            let parameters = CheckedSize.sum(experiment.layers.map(\.parameterCount)) ?? .max
            guard parameters < 1_000_000, experiment.data.isSmallAndLocal else { return nil }
            _ = try ExperimentSetup<Float>(experiment)
            return nil
        } catch { return "\(error)" }
    }

    /// The error `body` threw, as text; nil when it did not throw.
    static func failure(_ body: () throws(DataFormatError) -> Void) -> String? {
        do { try body(); return nil } catch { return error.description }
    }
}

/// Layer initialisation in the safetensors target (its values do not matter).
nonisolated(unsafe) private var fuzzRNG = RandomGenerator(seed: 0)

extension DataSpec {
    /// Generated data of at most 100,000 values (or the embedded digits): quick enough to build
    /// for every fuzzing input; files are not read.
    var isSmallAndLocal: Bool {
        switch kind {
        case .digits: true
        case .spirals(_, let samples, _): samples <= 20_000
        case .teacher(let features, let outputs, let samples, _): samples * (features + outputs) <= 100_000 && features <= 1_000
        case .randomRegression(let features, let outputs): features * outputs <= 100_000
        case .adding(let length, let samples): samples * length <= 50_000
        case .temporalOrder(let length, let samples): samples * length <= 20_000
        case .fashionMNIST, .csv, .npy: false
        }
    }
}
