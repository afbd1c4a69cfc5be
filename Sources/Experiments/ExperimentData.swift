import Vocabulary
import Datasets
import Foundation
import TensorCore

/// An experiment's data, loaded: the training set, the test set (nil for `random_regression`),
/// and what the task is.
public struct ExperimentData<Scalar: TensorScalar> {
    /// What the training loop iterates over.
    public let train: any Dataset<Scalar>
    /// The held-out set loss and accuracy are reported on.
    public let test: InMemoryDataset<Scalar>?
    /// The share of the training samples held out for scoring between epochs
    /// (`data.validation_fraction`), or nil.
    public let validation: InMemoryDataset<Scalar>?
    /// The number of classes for classification, nil for regression.
    public let classes: Int?
    /// The feature scaling fitted to the training set (`standardize`), which new inputs need too.
    public let scaling: Standardization?
    /// The class labels as the file wrote them, in class-index order (CSV files), or nil when
    /// the labels are the indices themselves.
    public let classNames: [String]?
    /// One sample's input shape (`[features]` or `[steps, features]`).
    public let sampleShape: [Int]
    /// One sample's target shape for regression (`[outputs]`), `[]` for class indices.
    public let targetShape: [Int]

    public init(train: any Dataset<Scalar>, test: InMemoryDataset<Scalar>?, validation: InMemoryDataset<Scalar>? = nil,
                classes: Int?, sampleShape: [Int], targetShape: [Int], scaling: Standardization? = nil, classNames: [String]? = nil) {
        self.train = train
        self.test = test
        self.validation = validation
        self.scaling = scaling
        self.classNames = classNames
        self.classes = classes
        self.sampleShape = sampleShape
        self.targetShape = targetShape
    }

    /// Loads (or generates, seeded by `rng`) the data `spec` describes; relative paths are
    /// resolved against `folder`. Failures are `ExperimentError`s naming `file` and the key.
    /// `forTraining` (default true) refuses data with one class or a constant target, which
    /// teach nothing; data loaded only to be scored may have them.
    public static func load(
        _ spec: DataSpec, relativeTo folder: String, file: String, forTraining: Bool = true, using rng: inout RandomGenerator
    ) throws(ExperimentError) -> ExperimentData {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : URL(fileURLWithPath: folder).appendingPathComponent(path).standardizedFileURL.path
        }
        func fail(_ key: String, _ error: DataFormatError) -> ExperimentError {
            ExperimentError(file: file, key: "data.\(key)", message: error.description, nonFiniteData: error.nonFinite)
        }
        let whole: InMemoryDataset<Scalar>
        var classes: Int?, classNames: [String]?
        switch spec.kind {
        case .digits:
            do {
                let (x, y) = try Digits.load(as: Scalar.self)
                whole = InMemoryDataset(inputs: x, targets: y)
            } catch { throw fail("kind", error) }
            classes = Digits.classCount
        case .fashionMNIST(let path, let limit):
            let sets: (train: InMemoryDataset<Scalar>, test: InMemoryDataset<Scalar>)
            do { sets = try FashionMNIST.load(path: resolve(path), limit: limit) } catch { throw fail("path", error) }
            return try finish(spec, train: sets.train, test: sets.test, classes: 10, classNames: nil, whole: sets.train, file: file, using: &rng)
        case .csv(let path, let target, let classification):
            do {
                let table: (data: InMemoryDataset<Scalar>, classNames: [String]) =
                    try CSVTable.read(path: resolve(path), target: target, classification: classification)
                whole = table.data
                classes = classification ? table.classNames.count : nil
                classNames = classification ? table.classNames : nil
            } catch { throw fail("path", error) }
        case .npy(let xPath, let yPath, let classification):
            let x: (array: Tensor<Scalar>, integral: Bool), y: (array: Tensor<Scalar>, integral: Bool)
            do { x = try NPY.read(path: resolve(xPath)) } catch { throw fail("x", error) }
            do { y = try NPY.read(path: resolve(yPath)) } catch { throw fail("y", error) }
            guard x.array.rank >= 2, x.array.shape[0] == y.array.shape.first else {
                throw ExperimentError(file: file, key: "data.x", message: "x \(x.array.shape) must be [samples, features…] with as many samples as y \(y.array.shape)")
            }
            if let bad = NonFiniteValues.scan(x.array, source: resolve(xPath)) { throw fail("x", DataFormatError(nonFinite: bad)) }
            if classification ?? (y.integral && y.array.rank == 1) {
                guard y.array.rank == 1, y.array.scalars.allSatisfy({ $0 >= 0 && $0 == $0.rounded() }) else {
                    throw ExperimentError(file: file, key: "data.y", message: "classification targets must be [samples] class indices ≥ 0")
                }
                if let largest = y.array.scalars.max(), Double(largest) >= Double(SizeLimits.classes) {
                    throw ExperimentError(file: file, key: "data.y", message: "class index \(Double(largest)) is beyond the limit of \(SizeLimits.classes) classes (are these labels?)")
                }
                classes = Int(y.array.scalars.max() ?? 0) + 1
                whole = InMemoryDataset(inputs: x.array, targets: y.array)
            } else {
                if let bad = NonFiniteValues.scan(y.array, source: resolve(yPath)) { throw fail("y", DataFormatError(nonFinite: bad)) }
                whole = InMemoryDataset(inputs: x.array, targets: y.array.rank == 1 ? y.array.reshaped([y.array.count, 1]) : y.array)
            }
        case .spirals(let k, let samples, let noise):
            guard samples >= k else { throw ExperimentError(file: file, key: "data.samples", message: "expected at least one sample per class (\(k)), got \(samples)") }
            whole = SyntheticData.spirals(classes: k, samples: samples, noise: noise, using: &rng)
            classes = k
        case .teacher(let features, let outputs, let samples, let depth):
            whole = SyntheticData.teacher(features: features, outputs: outputs, samples: samples, depth: depth, using: &rng)
        case .randomRegression(let features, let outputs):
            if (spec.validationFraction ?? 0) > 0 {
                throw ExperimentError(file: file, key: "data.validation_fraction",
                                      message: "random_regression draws new samples every step: there is nothing to hold out for validation")
            }
            return ExperimentData(train: RandomRegression(features: features, outputs: outputs), test: nil, classes: nil,
                                  sampleShape: [features], targetShape: [outputs])
        case .adding(let length, let samples):
            whole = SyntheticData.adding(length: length, samples: samples, using: &rng)
        case .temporalOrder(let length, let samples):
            whole = SyntheticData.temporalOrder(length: length, samples: samples, using: &rng)
            classes = 4
        }
        if forTraining { try Self.requireLearnable(whole, classes: classes, key: spec.kind.targetKey, file: file) }
        let (train, test) = whole.split(testFraction: spec.testFraction, using: &rng)
        guard train.count > 0 else {
            throw ExperimentError(file: file, key: "data.test_fraction", message: "leaves no training samples out of \(whole.count)")
        }
        return try finish(spec, train: train, test: test, classes: classes, classNames: classNames, whole: whole, file: file, using: &rng)
    }

    /// Holds out the validation share of `train` (drawing from `rng` only when there is one, so
    /// files without it split as before) and standardises every set by the training set's scaling.
    private static func finish(
        _ spec: DataSpec, train: InMemoryDataset<Scalar>, test: InMemoryDataset<Scalar>, classes: Int?, classNames: [String]?,
        whole: InMemoryDataset<Scalar>, file: String, using rng: inout RandomGenerator
    ) throws(ExperimentError) -> ExperimentData {
        var train = train, test = test, validation: InMemoryDataset<Scalar>?, scaling: Standardization?
        if let share = spec.validationFraction, share > 0 {
            let parts = train.split(testFraction: share, using: &rng)
            guard parts.test.count > 0, parts.train.count > 0 else {
                throw ExperimentError(file: file, key: "data.validation_fraction",
                                      message: "\(share) of \(train.count) training samples leaves \(parts.test.count) for validation and \(parts.train.count) for training")
            }
            (train, validation) = (parts.train, parts.test)
        }
        if spec.standardize {
            let fitted = Standardization(fittedTo: train.inputs)
            train = fitted.apply(to: train)
            test = fitted.apply(to: test)
            validation = validation.map { fitted.apply(to: $0) }
            scaling = fitted
            for (name, set) in [("training", train), ("test", test)] {
                if let bad = NonFiniteValues.scan(set.inputs, source: "the standardised \(name) set (values too large to scale)") {
                    throw ExperimentError(file: file, key: "data.standardize", message: DataFormatError(nonFinite: bad).description,
                                          nonFiniteData: DataFormatError(nonFinite: bad).nonFinite)
                }
            }
        }
        return ExperimentData(train: train, test: test.count > 0 ? test : nil, validation: validation, classes: classes,
                              sampleShape: Array(whole.inputs.shape.dropFirst()),
                              targetShape: classes == nil ? Array(whole.targets.shape.dropFirst()) : [], scaling: scaling,
                              classNames: classNames)
    }

    /// A data set with one class, or a constant regression target, teaches nothing: an error,
    /// not a silent "accuracy 100 %".
    static func requireLearnable(_ data: InMemoryDataset<Scalar>, classes: Int?, key: String, file: String) throws(ExperimentError) {
        guard let first = data.targets.scalars.first else { return }
        guard data.targets.scalars.contains(where: { $0 != first }) else {
            let what = classes == nil ? "the target is constant (every value is \(first))" : "every sample has the same class (\(Int(first)))"
            throw ExperimentError(file: file, key: "data.\(key)", message: "\(what): there is nothing to learn")
        }
    }
}

extension DataSpec.Kind {
    /// The key that names the targets in errors.
    var targetKey: String {
        switch self {
        case .csv: "target"
        case .npy: "y"
        default: "kind"
        }
    }
}
