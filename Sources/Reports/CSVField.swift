/// Fields of GradGuard's CSV files (RFC 4180): numbers with full precision, `nan`/`inf`/`-inf`
/// for non-finite ones, text quoted when it holds a comma, quote or line break.
enum CSVField {
    static func number(_ v: Double) -> String {
        v.isNaN ? "nan" : v == .infinity ? "inf" : v == -.infinity ? "-inf" : "\(v)"
    }

    static func number(_ v: Double?) -> String { v.map(number) ?? "" }

    static func parseNumber(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan": .nan
        case "inf", "infinity": .infinity
        case "-inf", "-infinity": -.infinity
        default: Double(text)
        }
    }

    static func quote(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// The fields of one line, quotes removed (`""` inside quotes is one `"`).
    static func split(_ line: some StringProtocol) -> [String] {
        var fields: [String] = [], field = "", quoted = false, previousWasQuote = false
        for ch in line {
            if quoted {
                if ch == "\"" { quoted = false; previousWasQuote = true } else { field.append(ch) }
                continue
            }
            switch ch {
            case "\"":
                if previousWasQuote { field.append("\"") }
                quoted = true
            case ",":
                fields.append(field)
                field = ""
            default: field.append(ch)
            }
            previousWasQuote = false
        }
        return fields + [field]
    }
}
