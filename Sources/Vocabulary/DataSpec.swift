import Datasets
import Optimizers
import TensorCore

/// The `data` object of an experiment file (docs/experiment-format.md, "Data").
public struct DataSpec: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case digits
        case fashionMNIST(path: String, limit: Int?)
        case csv(path: String, target: CSVTable.Column, classification: Bool)
        case npy(x: String, y: String, classification: Bool?)
        case spirals(classes: Int, samples: Int, noise: Double)
        case teacher(features: Int, outputs: Int, samples: Int, depth: Int)
        case randomRegression(features: Int, outputs: Int)
        case adding(length: Int, samples: Int)
        case temporalOrder(length: Int, samples: Int)
    }

    /// The data kinds a file may name.
    public enum KindName: String, CaseIterable, Sendable {
        case digits, fashionMNIST = "fashion-mnist", csv, npy, spirals, teacher, randomRegression = "random_regression"
        case adding, temporalOrder = "temporal_order"
    }

    public var kind: Kind
    /// Scale each feature by the training split's mean and standard deviation (default false).
    public var standardize: Bool
    /// The share of samples held out for the test set (default 0.2; Fashion-MNIST uses its own
    /// test files and `random_regression` has none).
    public var testFraction: Double
    /// The share of the training samples held out for validation (`validation_fraction`; 0:
    /// none). Absent from the file it is nil, and the experiment makes it 0.1 when it asks for
    /// validation (`validate_every`, `patience`) and 0 otherwise.
    public var validationFraction: Double?

    public init(kind: Kind, standardize: Bool = FileDefaults.standardize, testFraction: Double = FileDefaults.testFraction,
                validationFraction: Double? = nil) {
        self.kind = kind
        self.standardize = standardize
        self.testFraction = testFraction
        self.validationFraction = validationFraction
    }

    /// The kind's name as files write it.
    public var name: String {
        switch kind {
        case .digits: "digits"
        case .fashionMNIST: "fashion-mnist"
        case .csv: "csv"
        case .npy: "npy"
        case .spirals: "spirals"
        case .teacher: "teacher"
        case .randomRegression: "random_regression"
        case .adding: "adding"
        case .temporalOrder: "temporal_order"
        }
    }
}

extension DataSpec: Decodable {
    static let common = ["kind", "standardize", "test_fraction", "validation_fraction"]

    /// Relative paths stay as written; `ExperimentData.load` resolves them against the file's folder.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: SpecKey.self)
        let kindCase = try c.named("kind", "data kind", as: KindName.self, aliases: ["fashion_mnist": .fashionMNIST])
        let kindName = kindCase.rawValue
        func only(_ keys: [String]) throws { try c.rejectUnknownKeys(Set(Self.common + keys), in: "data kind \(kindName)") }
        func samples(_ fallback: Int) throws -> Int { try c.positive("samples", default: fallback) }
        switch kindCase {
        case .digits:
            try only([])
            kind = .digits
        case .fashionMNIST:
            try only(["path", "limit"])
            let limit = try c.optional("limit", Int.self)
            if let limit, limit <= 0 { throw c.fail("limit", "expected a positive integer, got \(limit)") }
            kind = .fashionMNIST(path: try c.optional("path") ?? FashionMNIST.defaultPath, limit: limit)
        case .csv:
            try only(["path", "target", "task"])
            let target: CSVTable.Column
            if let index = try? c.optional("target", Int.self) {
                guard index >= 0 else { throw c.fail("target", "expected a column index ≥ 0, got \(index)") }
                target = .index(index)
            } else {
                target = .name(try c.required("target", String.self))
            }
            kind = .csv(path: try c.required("path"), target: target, classification: try Self.task(c) ?? true)
        case .npy:
            try only(["x", "y", "task"])
            kind = .npy(x: try c.required("x"), y: try c.required("y"), classification: try Self.task(c))
        case .spirals:
            try only(["classes", "samples", "noise"])
            let classes = try c.positive("classes", default: 3)
            kind = .spirals(classes: classes, samples: try samples(900),
                            noise: try c.number("noise", default: 0.2, in: 0...Double.greatestFiniteMagnitude, "a number ≥ 0"))
        case .teacher:
            try only(["features", "outputs", "samples", "depth"])
            let depth = try c.optional("depth", Int.self) ?? 2
            guard depth >= 0 else { throw c.fail("depth", "expected an integer ≥ 0, got \(depth)") }
            kind = .teacher(features: try c.positive("features", default: 16), outputs: try c.positive("outputs", default: 1),
                            samples: try samples(2000), depth: depth)
        case .randomRegression:
            try only(["features", "outputs"])
            kind = .randomRegression(features: try c.positive("features", default: 10), outputs: try c.positive("outputs", default: 1))
        case .adding, .temporalOrder:
            try only(["length", "samples"])
            let length = try c.positive("length", default: 20)
            guard length >= (kindName == "adding" ? 2 : 10) else {
                throw c.fail("length", "expected at least \(kindName == "adding" ? 2 : 10), got \(length)")
            }
            kind = kindName == "adding" ? .adding(length: length, samples: try samples(2000)) : .temporalOrder(length: length, samples: try samples(2000))
        }
        if let (key, problem) = Self.sizeProblem(kind) { throw c.fail(key, problem) }
        standardize = try c.optional("standardize") ?? FileDefaults.standardize
        testFraction = try c.number("test_fraction", default: FileDefaults.testFraction, in: 0...0.95, "a fraction in [0, 0.95]")
        if try c.optional("validation_fraction", Double.self) != nil {
            if case .randomRegression = kind { throw c.fail("validation_fraction", "random_regression draws new samples every step: there is nothing to hold out") }
            validationFraction = try c.number("validation_fraction", default: 0, in: 0...0.95, "a fraction in [0, 0.95]")
        }
    }

    /// The key and the reason when a generated data set would exceed `SizeLimits` (nil: it fits).
    static func sizeProblem(_ kind: Kind) -> (String, String)? {
        let m = CheckedSize.multiplyAdd
        let checks: [(String, Int?)]
        switch kind {
        case .spirals(let classes, let samples, _):
            if classes > SizeLimits.classes { return ("classes", "\(classes) classes is beyond the limit of \(SizeLimits.classes)") }
            checks = [("samples", m(samples, 3, 0))]
        case .teacher(let features, let outputs, let samples, _):
            checks = [("features", m(features, 32, 0)), ("outputs", m(outputs, 32, 0)),
                      ("samples", CheckedSize.sum([features, outputs]).flatMap { m(samples, $0, 0) })]
        case .randomRegression(let features, let outputs):
            checks = [("features", m(features, 1, outputs))]
        case .adding(let length, let samples):
            checks = [("length", m(length, 2, 0)), ("samples", m(length, 2, 1).flatMap { m(samples, $0, 0) })]
        case .temporalOrder(let length, let samples):
            checks = [("length", m(length, 6, 0)), ("samples", m(length, 6, 0).flatMap { m(samples, $0, 0) })]
        default: return nil
        }
        for (key, count) in checks {
            if let problem = SizeLimits.dataProblem(count) { return (key, problem) }
        }
        return nil
    }

    /// `task`: `classification` → true, `regression` → false, absent → nil.
    static func task(_ c: KeyedDecodingContainer<SpecKey>) throws -> Bool? {
        guard let task = try c.optional("task", String.self) else { return nil }
        guard task == "classification" || task == "regression" else {
            throw c.fail("task", "expected classification or regression, got \"\(task)\"")
        }
        return task == "classification"
    }
}
