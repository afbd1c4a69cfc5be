/// A generator's exact state (the four xoshiro words and the spare normal), so a checkpoint
/// can continue its stream where it stopped.
extension RandomGenerator: Codable {
    private enum Keys: String, CodingKey { case state, spareNormal }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        // Words are stored as text: JSON numbers lose precision beyond 2⁵³.
        let words = try c.decode([String].self, forKey: .state).compactMap { UInt64($0) }
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "expected four 64-bit words, not all zero")
        }
        self.init(seed: 0)
        state = (words[0], words[1], words[2], words[3])
        spareNormal = try c.decodeIfPresent(String.self, forKey: .spareNormal).flatMap(UInt64.init).map(Double.init(bitPattern:))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode([state.0, state.1, state.2, state.3].map(String.init), forKey: .state)
        try c.encodeIfPresent(spareNormal.map { String($0.bitPattern) }, forKey: .spareNormal)
    }
}
