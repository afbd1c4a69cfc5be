/// A coding key for any name, so specs can reject keys they do not know.
public struct SpecKey: CodingKey {
    public let stringValue: String
    public var intValue: Int? { nil }
    public init(_ name: String) { stringValue = name }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == SpecKey {
    /// Throws a decoding error naming the first key not in `allowed`.
    public func rejectUnknownKeys(_ allowed: Set<String>, in owner: String) throws {
        for key in allKeys where !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "unknown key for \(owner) (known: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    public func optional<T: Decodable>(_ name: String, _ type: T.Type = T.self) throws -> T? {
        try decodeIfPresent(T.self, forKey: SpecKey(name))
    }
}
