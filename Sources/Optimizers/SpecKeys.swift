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
