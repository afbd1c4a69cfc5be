import Foundation
import Optimizers
import TensorCore

/// Why an experiment file could not be used: the file, the key path inside it
/// (`model[2].out`) and what is wrong, e.g.
/// `experiment.json: model[2].out: expected a positive integer, got -3`.
public struct ExperimentError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The experiment file (or `<string>` for text not read from a file).
    public let file: String
    /// The key path, empty for the whole document.
    public let key: String
    public let message: String
    /// Set when the data holds NaN or ±∞: where (`gradguard doctor` diagnoses it instead of stopping).
    public let nonFiniteData: NonFiniteValues?

    public init(file: String, key: String, message: String, nonFiniteData: NonFiniteValues? = nil) {
        self.file = file
        self.key = key
        self.message = message
        self.nonFiniteData = nonFiniteData
    }

    public var description: String { key.isEmpty ? "\(file): \(message)" : "\(file): \(key): \(message)" }

    /// The error a `JSONDecoder` threw, rephrased with the key path it happened at.
    public init(file: String, decoding error: DecodingError) {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce("") { text, key in
                if let index = key.intValue { return text + "[\(index)]" }
                return text.isEmpty ? key.stringValue : text + "." + key.stringValue
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(file: file, key: path(context.codingPath + [key]), message: "missing (this key is required)")
        case .typeMismatch(let type, let context):
            let found = context.debugDescription.range(of: "found ").map { " got " + context.debugDescription[$0.upperBound...] } ?? ""
            self.init(file: file, key: path(context.codingPath), message: "expected \(Self.describe(type))," + found)
        case .valueNotFound(let type, let context):
            self.init(file: file, key: path(context.codingPath), message: "expected \(Self.describe(type)), got null")
        case .dataCorrupted(let context):
            let text = context.underlyingError.map { "not valid JSON (\($0))" } ?? context.debugDescription
            self.init(file: file, key: path(context.codingPath), message: text)
        @unknown default:
            self.init(file: file, key: "", message: "\(error)")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is String.Type: "text"
        case is Bool.Type: "true or false"
        default:
            "\(type)".hasPrefix("Array") ? "a list" : "\(type)".hasPrefix("Dictionary") ? "an object" : "\(type)"
        }
    }
}
