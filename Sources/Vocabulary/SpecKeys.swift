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

    /// The value at `name`, nil when absent. Integers (and lists of them) are read as numbers
    /// first, so `1.5` or `1e30` where an integer belongs is an error naming the key and the value.
    public func optional<T: Decodable>(_ name: String, _ type: T.Type = T.self) throws -> T? {
        let key = SpecKey(name)
        if T.self == Int.self || T.self == [Int].self, let exact = try? decodeIfPresent(T.self, forKey: key) {
            return exact  // integers beyond 2⁵³ stay exact
        }
        if T.self == Int.self {
            let number: Double?
            do { number = try decodeIfPresent(Double.self, forKey: key) } catch DecodingError.typeMismatch(_, let context) {
                throw DecodingError.typeMismatch(Int.self, context)  // "expected an integer", not "a number"
            }
            if let number { return try integer(number, at: key) as? T }
        }
        if T.self == [Int].self, let numbers = try decodeIfPresent([Double].self, forKey: key) {
            var integers: [Int] = []
            for (position, number) in numbers.enumerated() { integers.append(try integer(number, at: key, position: position)) }
            return integers as? T
        }
        return try decodeIfPresent(T.self, forKey: key)
    }

    /// `number` as an `Int`, or an error naming the key when it is fractional or too large.
    private func integer(_ number: Double, at key: SpecKey, position: Int? = nil) throws -> Int {
        guard number == number.rounded(), abs(number) < 0x1p63 else {
            let place = position.map { " at position \($0)" } ?? ""
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected an integer\(place), got \(number)")
        }
        return Int(number)
    }
}

/// Decoding helpers for the experiment-file types (on top of `SpecKey`'s).
extension KeyedDecodingContainer where Key == SpecKey {
    package func required<T: Decodable>(_ name: String, _ type: T.Type = T.self) throws -> T {
        if let value = try optional(name, T.self) { return value }
        return try decode(T.self, forKey: SpecKey(name))  // throws: missing or null
    }

    /// A positive integer at `name` (or `fallback` when absent), at most `maximum`.
    package func positive(_ name: String, default fallback: Int? = nil, maximum: Int = .max) throws -> Int {
        guard let v = try optional(name, Int.self) ?? fallback else { return try required(name, Int.self) }
        guard v > 0 else { throw fail(name, "expected a positive integer, got \(v)") }
        guard v <= maximum else { throw fail(name, "\(v) is beyond the limit of \(maximum)") }
        return v
    }

    /// A number in `range` at `name` (or `fallback`).
    package func number(_ name: String, default fallback: Double, in range: ClosedRange<Double>, _ what: String) throws -> Double {
        let v = try optional(name, Double.self) ?? fallback
        guard range.contains(v) else { throw fail(name, "expected \(what), got \(v)") }
        return v
    }

    package func fail(_ name: String, _ message: String) -> DecodingError {
        DecodingError.dataCorruptedError(forKey: SpecKey(name), in: self, debugDescription: message)
    }

    /// The case of `T` whose raw value is the text at `name` (or one of `aliases`); otherwise an
    /// error that lists every name `T` has, so the list cannot fall behind the type.
    package func named<T: RawRepresentable & CaseIterable>(
        _ name: String, _ what: String, as _: T.Type = T.self, default fallback: T? = nil, aliases: [String: T] = [:]
    ) throws -> T where T.RawValue == String {
        guard let text = try optional(name, String.self) else {
            if let fallback { return fallback }
            throw DecodingError.keyNotFound(SpecKey(name), .init(codingPath: codingPath, debugDescription: "missing"))
        }
        if let value = T(rawValue: text) ?? aliases[text] { return value }
        throw fail(name, Self.unknown(what, text, known: T.allCases.map(\.rawValue)))
    }

    /// `unknown WHAT "TEXT" (known: a, b, c)`.
    package static func unknown(_ what: String, _ text: String, known: [String]) -> String {
        "unknown \(what) \"\(text)\" (known: \(known.joined(separator: ", ")))"
    }
}
