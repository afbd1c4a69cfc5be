import Vocabulary
import Foundation
import Layers
import Optimizers
import TensorCore

extension ReferenceCase {
    /// Every field whose numbers could stop a run: the format, the step count, each tensor
    /// against its shape, and one expected loss per step.
    func validate() throws(ReferenceCaseError) {
        guard format == 1 else { throw .malformed(field: "format", reason: "expected 1, got \(format)") }
        guard (0...Self.maximumSteps).contains(steps) else {
            throw .malformed(field: "steps", reason: "expected an integer in 0...\(Self.maximumSteps), got \(steps)")
        }
        var tensors: [(String, TensorData)] = [("input", input), ("target", target), ("expected.output", expected.output)]
        tensors += params.map { ("params.\($0.key)", $0.value) }
        tensors += expected.grads.map { ("expected.grads.\($0.key)", $0.value) }
        tensors += expected.paramsAfter.map { ("expected.params_after.\($0.key)", $0.value) }
        for (field, tensor) in tensors { try tensor.check(field: field) }
        guard !expected.loss.isEmpty else { throw .malformed(field: "expected.loss", reason: "expected at least one loss") }
        if let problem = SizeLimits.parameterProblem(CheckedSize.sum(model.map(\.parameterCount))) {
            throw .malformed(field: "model", reason: problem)
        }
    }
}

/// A tensor as the reference files store it: `{"shape": [...], "data": [...]}`, row-major.
public struct TensorData: Decodable, Equatable, Sendable {
    public let shape: [Int]
    public let data: [Double]

    public init(shape: [Int], data: [Double]) {
        self.shape = shape
        self.data = data
    }

    /// An error naming `field` unless the shape is non-negative and holds exactly `data.count` values.
    public func check(field: String) throws(ReferenceCaseError) {
        guard let count = CheckedSize.elements(shape) else {
            throw .malformed(field: field, reason: "shape \(shape) must be non-negative sizes whose product fits in an integer")
        }
        guard count == data.count else { throw .malformed(field: field, reason: "shape \(shape) needs \(count) values, data has \(data.count)") }
    }

    /// The tensor, or an error naming `field` when data and shape disagree.
    public func tensor<Scalar: TensorScalar>(field: String) throws(ReferenceCaseError) -> Tensor<Scalar> {
        try check(field: field)
        return Tensor(shape: shape, scalars: data.map { Scalar($0) })
    }
}

/// Pass when `|got − expected| ≤ atol + rtol·|expected|` element-wise.
public struct Tolerance: Decodable, Equatable, Sendable {
    public let atol: Double
    public let rtol: Double

    public init(atol: Double, rtol: Double) {
        self.atol = atol
        self.rtol = rtol
    }

    /// The worst ratio `|got − expected| / (atol + rtol·|expected|)` (≤ 1 passes; NaN counts as ∞).
    public func worstRatio(_ got: [Double], _ expected: [Double]) -> Double {
        precondition(got.count == expected.count, "Tolerance: \(got.count) values against \(expected.count)")
        var worst = 0.0
        for (g, e) in zip(got, expected) {
            let r = Swift.abs(g - e) / (atol + rtol * Swift.abs(e))
            worst = Swift.max(worst, r.isNaN ? .infinity : r)
        }
        return worst
    }
}

/// The `expected` block of a reference case.
public struct ExpectedResults: Decodable, Sendable {
    public let output: TensorData
    public let loss: [Double]
    public let grads: [String: TensorData]
    public let totalNorm: [Double]?
    public let paramsAfter: [String: TensorData]

    enum CodingKeys: String, CodingKey {
        case output, loss, grads
        case totalNorm = "total_norm"
        case paramsAfter = "params_after"
    }
}

/// One PyTorch reference run (format 1, the reference-case format).
public struct ReferenceCase: Decodable, Sendable {
    public let format: Int
    public let name: String
    public let model: [LayerSpec]
    public let params: [String: TensorData]
    public let input: TensorData
    public let target: TensorData
    public let loss: String
    public let optimizer: OptimizerSpec
    public let clip: ClipSpec?
    public let steps: Int
    public let tolerance: Tolerance
    public let expected: ExpectedResults

    /// The most steps a case may ask for.
    public static let maximumSteps = 100_000

    /// Reads a case file; a malformed file is an error naming the file and the field. Every
    /// tensor is checked against its shape and every count against its range here, so running
    /// the case cannot stop on them.
    public static func load(from url: URL) throws(ReferenceCaseError) -> ReferenceCase {
        let data: Data
        do { data = try FileInput.bytes(url.path) } catch {
            throw .unreadable(file: url.path, reason: error.reason)
        }
        return try decode(data, file: url.lastPathComponent)
    }

    /// Parses and checks the bytes of a case file; `file` names it in errors.
    public static func decode(_ data: Data, file: String) throws(ReferenceCaseError) -> ReferenceCase {
        let url = URL(fileURLWithPath: file)
        do {
            try StrictJSON.validate(data, source: url.lastPathComponent)
            let decoded = try JSONDecoder().decode(ReferenceCase.self, from: data)
            try decoded.validate()
            return decoded
        } catch let error as DecodingError {
            throw .invalid(file: url.lastPathComponent, detail: ReferenceCaseError.describe(error))
        } catch let error as ReferenceCaseError {
            throw .invalid(file: url.lastPathComponent, detail: error.description)
        } catch let error as DataFormatError {
            throw .invalid(file: url.lastPathComponent, detail: error.reason)
        } catch {
            throw .invalid(file: url.lastPathComponent, detail: "\(error)")
        }
    }
}
