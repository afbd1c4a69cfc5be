/// Why a reference case could not be read or run.
public enum ReferenceCaseError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case invalid(file: String, detail: String)
    case malformed(field: String, reason: String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
        case .invalid(let file, let detail): "\(file): \(detail)"
        case .malformed(let field, let reason): "\(field): \(reason)"
        case .unsupported(let what): "unsupported: \(what)"
        }
    }

    /// A decoding error as `field.path: what is wrong`.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return (parent.isEmpty ? "" : parent + ".") + key.stringValue + ": missing"
        case .typeMismatch(let type, let context): return path(context.codingPath) + ": expected \(type)"
        case .valueNotFound(let type, let context): return path(context.codingPath) + ": expected \(type), got null"
        case .dataCorrupted(let context):
            let where_ = path(context.codingPath)
            return (where_.isEmpty ? "" : where_ + ": ") + "not valid JSON (\(context.debugDescription))"
        @unknown default: return "\(error)"
        }
    }
}
