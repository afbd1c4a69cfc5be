/// Why a file (or an in-memory resource) could not be read: which one, and what is wrong with
/// it. Data sets, weight files and run folders all report their problems with it.
public struct DataFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file or resource.
    public let source: String
    public let reason: String
    /// Set when the problem is NaN or ±∞ in the data: where they are.
    public let nonFinite: NonFiniteValues?

    public init(source: String, reason: String, nonFinite: NonFiniteValues? = nil) {
        self.source = source
        self.reason = reason
        self.nonFinite = nonFinite
    }

    /// The error for `values`, found in `source`.
    public init(nonFinite values: NonFiniteValues) {
        self.init(source: values.source, reason: "holds NaN or ±∞: " + values.description, nonFinite: values)
    }

    public var description: String { "\(source): \(reason)" }
}
