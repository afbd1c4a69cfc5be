import Foundation
import Layers
import Optimizers
import TensorCore

/// A tensor as the reference files store it: `{"shape": [...], "data": [...]}`, row-major.
public struct TensorData: Decodable, Equatable, Sendable {
    public let shape: [Int]
    public let data: [Double]

    public init(shape: [Int], data: [Double]) {
        self.shape = shape
        self.data = data
    }

    /// The tensor, or an error naming `field` when data and shape disagree.
    public func tensor<Scalar: TensorScalar>(field: String) throws(ReferenceCaseError) -> Tensor<Scalar> {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == data.count else {
            throw .malformed(field: field, reason: "shape \(shape) needs \(shape.reduce(1, *)) values, data has \(data.count)")
        }
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

/// One PyTorch reference run (format 1, `../shared/reference/README.md`).
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

    /// Reads a case file; a malformed file is an error naming the file and the field.
    public static func load(from url: URL) throws(ReferenceCaseError) -> ReferenceCase {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        do {
            let decoded = try JSONDecoder().decode(ReferenceCase.self, from: data)
            guard decoded.format == 1 else { throw ReferenceCaseError.malformed(field: "format", reason: "expected 1, got \(decoded.format)") }
            return decoded
        } catch let error as DecodingError {
            throw .invalid(file: url.lastPathComponent, detail: ReferenceCaseError.describe(error))
        } catch let error as ReferenceCaseError {
            throw .invalid(file: url.lastPathComponent, detail: error.description)
        } catch {
            throw .invalid(file: url.lastPathComponent, detail: "\(error)")
        }
    }
}
