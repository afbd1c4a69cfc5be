import Foundation
import Yams

/// Experiment files in YAML (`.yaml`, `.yml`), read by turning them into the JSON document the
/// format defines, so one parser checks both. Plain scalars follow YAML 1.2's core schema
/// (`true`/`false`, `null`/`~`, integers, decimals such as `1e-3`); quoted scalars are always
/// text. YAML-only features that JSON cannot hold are errors naming the line and column:
/// `.nan`/`.inf` (as in strict JSON), non-text keys, and duplicate keys. Anchors and aliases
/// (`&name`, `*name`) are expanded.
public enum YAMLExperiment {
    /// Whether `path` names a YAML file (by its extension).
    public static func isYAML(_ path: String) -> Bool {
        ["yaml", "yml"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
    }

    /// The JSON text of the YAML document `text`; `source` names it in errors.
    public static func json(from text: String, source: String) throws(ExperimentError) -> Data {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ExperimentError(file: source, key: "", message: "not valid YAML: \(Self.describe(error))")
        }
        guard let root else { throw ExperimentError(file: source, key: "", message: "empty YAML document") }
        let value = try convert(root, source: source)
        do {
            return try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        } catch {
            throw ExperimentError(file: source, key: "", message: "cannot be written as JSON (\(error.localizedDescription))")
        }
    }

    private static func convert(_ node: Node, source: String) throws(ExperimentError) -> Any {
        func fail(_ message: String) -> ExperimentError {
            let place = node.mark.map { "line \($0.line), column \($0.column): " } ?? ""
            return ExperimentError(file: source, key: "", message: place + message)
        }
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain else { return scalar.string }
            return try plain(scalar.string, fail: fail)
        case .sequence(let sequence):
            var items: [Any] = []
            for item in sequence { items.append(try convert(item, source: source)) }
            return items
        case .mapping(let mapping):
            var object: [String: Any] = [:]
            for (key, value) in mapping {
                guard case .scalar(let name) = key else { throw fail("a key must be text, not a list or an object") }
                guard object[name.string] == nil else { throw fail("key \"\(name.string)\" appears twice in this object; keep one") }
                object[name.string] = try convert(value, source: source)
            }
            return object
        case .alias:
            throw fail("an unresolved alias")  // compose resolves `*name` to its anchor's node
        }
    }

    /// A plain scalar under YAML 1.2's core schema.
    private static func plain(_ text: String, fail: (String) -> ExperimentError) throws(ExperimentError) -> Any {
        switch text {
        case "", "~", "null", "Null", "NULL": return NSNull()
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "-.inf", "+.Inf", "-.Inf", "+.INF", "-.INF":
            throw fail("\(text) is not allowed: an experiment file holds finite numbers only")
        default: break
        }
        if text.range(of: #"^[-+]?[0-9]+$"#, options: .regularExpression) != nil {
            return Int(text) ?? Double(text)!  // beyond Int64: a number that the key's check will refuse
        }
        if text.range(of: #"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"#, options: .regularExpression) != nil,
           let number = Double(text) {
            guard number.isFinite else { throw fail("\(text) is beyond the range of a double") }
            return number
        }
        return text
    }

    /// A Yams error as one line: its position and problem, without the echoed document.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? YamlError else { return "\(error)" }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) appears twice in one object; keep one"
        default:
            return "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
    }
}
