import Foundation

/// A strict check of a JSON document (RFC 8259) before it is decoded, so that every problem
/// names where it is: syntax errors with their line and column, a key given twice, `NaN` or
/// `Infinity` (not JSON), numbers beyond Double's range (`1e400`), text that is not UTF-8, and
/// nesting deeper than `maximumDepth`. Each error also names the key path (`model[0].sizes`).
public enum StrictJSON {
    /// The deepest nesting of objects and arrays accepted.
    public static let maximumDepth = 64

    /// Throws a `DataFormatError` naming `source`, the line, column and key path of the first
    /// problem in `data`; returns when `data` is one well-formed JSON value.
    public static func validate(_ data: Data, source: String) throws(DataFormatError) {
        var parser = Parser(bytes: [UInt8](data), source: source)
        try parser.document()
    }

    struct Parser {
        let bytes: [UInt8]
        let source: String
        var index = 0
        /// The key path to the value being read.
        var path: [PathElement] = []

        enum PathElement {
            case key(String)
            case index(Int)
        }

        init(bytes: [UInt8], source: String) {
            self.bytes = bytes
            self.source = source
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // a UTF-8 byte-order mark
        }

        mutating func document() throws(DataFormatError) {
            if let bad = FileInput.firstInvalidUTF8(bytes) {
                index = bad
                throw fail("byte 0x\(String(bytes[bad], radix: 16, uppercase: true)) is not UTF-8 text (save the file as UTF-8)")
            }
            skipSpace()
            guard index < bytes.count else { throw fail("the document is empty (expected a JSON object)") }
            try value(depth: 0)
            skipSpace()
            guard index == bytes.count else { throw fail("unexpected \(shown(index)) after the end of the document") }
        }

        mutating func value(depth: Int) throws(DataFormatError) {
            guard depth < StrictJSON.maximumDepth else { throw fail("nested deeper than \(StrictJSON.maximumDepth) levels") }
            guard index < bytes.count else { throw fail("the document ends early (expected a value)") }
            switch bytes[index] {
            case UInt8(ascii: "{"): try object(depth: depth)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "N"), UInt8(ascii: "I"):
                throw fail("\(word()) is not a JSON number: JSON has no NaN or infinity (write a finite number, or null where allowed)")
            default: throw fail("expected a value (an object, list, text, number, true, false or null), found \(shown(index))")
            }
        }

        mutating func object(depth: Int) throws(DataFormatError) {
            index += 1
            var seen: [String: (line: Int, column: Int)] = [:]
            skipSpace()
            if peek(UInt8(ascii: "}")) { index += 1; return }
            while true {
                skipSpace()
                guard peek(UInt8(ascii: "\"")) else { throw fail("expected a key in double quotes, found \(shown(index))") }
                let keyStart = index
                let key = try string()
                if let first = seen[key] {
                    index = keyStart
                    throw fail("key \"\(key)\" appears twice in this object (first at line \(first.line), column \(first.column)); keep one")
                }
                seen[key] = position(keyStart)
                skipSpace()
                guard peek(UInt8(ascii: ":")) else { throw fail("expected ':' after key \"\(key)\", found \(shown(index))") }
                index += 1
                skipSpace()
                path.append(.key(key))
                try value(depth: depth + 1)
                path.removeLast()
                skipSpace()
                if peek(UInt8(ascii: ",")) {
                    index += 1
                    skipSpace()
                    if peek(UInt8(ascii: "}")) { throw fail("a comma before '}' (JSON allows no trailing comma)") }
                    continue
                }
                if peek(UInt8(ascii: "}")) { index += 1; return }
                throw fail(index < bytes.count ? "expected ',' or '}' after the value of \"\(key)\", found \(shown(index))" : "the document ends inside an object (missing '}')")
            }
        }

        mutating func array(depth: Int) throws(DataFormatError) {
            index += 1
            skipSpace()
            if peek(UInt8(ascii: "]")) { index += 1; return }
            var count = 0
            while true {
                skipSpace()
                path.append(.index(count))
                try value(depth: depth + 1)
                path.removeLast()
                count += 1
                skipSpace()
                if peek(UInt8(ascii: ",")) {
                    index += 1
                    skipSpace()
                    if peek(UInt8(ascii: "]")) { throw fail("a comma before ']' (JSON allows no trailing comma)") }
                    continue
                }
                if peek(UInt8(ascii: "]")) { index += 1; return }
                throw fail(index < bytes.count ? "expected ',' or ']' in a list, found \(shown(index))" : "the document ends inside a list (missing ']')")
            }
        }

        /// Reads a string literal and returns its text (escapes decoded).
        mutating func string() throws(DataFormatError) -> String {
            let start = index
            index += 1
            var scalars = String.UnicodeScalarView()
            var runStart = index
            func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    flush(index)
                    index += 1
                    return String(scalars)
                }
                if b < 0x20 { throw fail("a control character (0x\(String(b, radix: 16))) inside text; write it as an escape such as \\n") }
                if b == UInt8(ascii: "\\") {
                    flush(index)
                    guard index + 1 < bytes.count else { break }
                    let e = bytes[index + 1]
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(e))
                    case UInt8(ascii: "b"): scalars.append("\u{8}")
                    case UInt8(ascii: "f"): scalars.append("\u{C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        guard index + 6 <= bytes.count, let code = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16) else {
                            index += 1
                            throw fail("\\u must be followed by four hex digits")
                        }
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                        index += 4
                    default:
                        index += 1
                        throw fail("unknown escape \\\(shown(index)) in text (known: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                    }
                    index += 2
                    runStart = index
                    continue
                }
                index += 1
            }
            index = start
            throw fail("text that starts here is never closed (missing '\"')")
        }

        mutating func number() throws(DataFormatError) {
            let start = index
            if peek(UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else {
                if index < bytes.count, bytes[index] == UInt8(ascii: "I") { throw fail("\(word()) is not a JSON number: JSON has no infinity") }
                throw fail("a number needs digits after '-'")
            }
            if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
                throw fail("a number may not start with 0 followed by digits (JSON has no octal; drop the leading 0)")
            }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            if peek(UInt8(ascii: ".")) {
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw fail("a number needs digits after '.'") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
                index += 1
                if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
                guard index < bytes.count, isDigit(bytes[index]) else { throw fail("a number needs digits in its exponent") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if let value = Double(text), !value.isFinite {
                index = start
                throw fail("\(text) is beyond the range of a number (about ±1.8e308)")
            }
        }

        mutating func literal(_ word: String) throws(DataFormatError) {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<(index + expected.count)]) == expected else {
                throw fail("expected \(word), found \(self.word())")
            }
            index += expected.count
        }

        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

        func peek(_ b: UInt8) -> Bool { index < bytes.count && bytes[index] == b }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// The letters starting at `index` (for `NaN`, `Infinity`, `True`…).
        func word() -> String {
            let letters = bytes[index...].prefix { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }.prefix(20)
            return letters.isEmpty ? shown(index) : String(decoding: letters, as: UTF8.self)
        }

        /// The character at `offset` for a message: `'x'`, or `the end of the document`.
        func shown(_ offset: Int) -> String {
            guard offset < bytes.count else { return "the end of the document" }
            let b = bytes[offset]
            if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
            let end = bytes[offset...].dropFirst().prefix { $0 & 0xC0 == 0x80 }.endIndex
            return "'\(String(decoding: bytes[offset..<end], as: UTF8.self))'"
        }

        /// The 1-based line and column (in characters) of byte `offset`.
        func position(_ offset: Int) -> (line: Int, column: Int) {
            var line = 1, lineStart = 0
            for i in 0..<Swift.min(offset, bytes.count) where bytes[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            let column = bytes[lineStart..<Swift.min(offset, bytes.count)].filter { $0 & 0xC0 != 0x80 }.count + 1
            return (line, column)
        }

        func fail(_ message: String) -> DataFormatError {
            let (line, column) = position(index)
            var key = ""
            for element in path {
                switch element {
                case .key(let k): key += key.isEmpty ? k : "." + k
                case .index(let i): key += "[\(i)]"
                }
            }
            return DataFormatError(source: source, reason: "line \(line), column \(column)\(key.isEmpty ? "" : " (\(key))"): \(message)")
        }
    }
}
