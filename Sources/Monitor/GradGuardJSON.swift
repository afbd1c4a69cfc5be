import Foundation

extension JSONEncoder {
    /// GradGuard's JSON: snake_case keys, sorted, NaN and ±∞ as the strings `"NaN"`,
    /// `"Infinity"`, `"-Infinity"` (JSON has no such numbers); `pretty` adds indentation.
    public static func gradGuard(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }
}

extension JSONDecoder {
    /// Reads what `JSONEncoder.gradGuard` writes: snake_case keys, `"NaN"`, `"Infinity"` and
    /// `"-Infinity"` as numbers.
    public static func gradGuard() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }
}
