/// Why a file (or an in-memory resource) could not be read: which one, and what is wrong with
/// it. Data sets, weight files and run folders all report their problems with it.
public struct DataFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file or resource.
    public let source: String
    public let reason: String

    public init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }

    public var description: String { "\(source): \(reason)" }
}
