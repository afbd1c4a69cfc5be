import Foundation
import TensorCore

/// One change to an experiment document given on the command line, `KEY.PATH=VALUE`: the key
/// path of the file format (`optimizer.lr`, `model[0].activation`, `clip.max_norm`) and a value
/// read as JSON when it is JSON (`0.01`, `true`, `[64, 64]`, `"text"`) and as a string
/// otherwise (`tanh`). Missing objects on the path are created; `null` removes the key. The
/// changed document is then checked exactly as a file is, and kept as the run's experiment.
public struct ExperimentOverride: Sendable, CustomStringConvertible {
    /// One step of a key path: an object key, or an array index.
    public enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    public let path: [Step]
    /// The value as JSON text (`"tanh"` quoted, numbers as written).
    public let json: String
    /// What the user wrote.
    public let description: String

    /// Parses `KEY.PATH=VALUE`.
    public init(_ text: String) throws(ExperimentError) {
        let source = "--set \(text)"
        guard let equals = text.firstIndex(of: "=") else {
            throw ExperimentError(file: source, key: "", message: "expected KEY.PATH=VALUE, e.g. optimizer.lr=0.01")
        }
        let (keys, value) = (String(text[..<equals]), String(text[text.index(after: equals)...]))
        var path: [Step] = []
        for part in keys.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            let name = rest.prefix { $0 != "[" }
            guard !name.isEmpty else { throw ExperimentError(file: source, key: keys, message: "every part of the key path needs a name") }
            path.append(.key(String(name)))
            rest = rest.dropFirst(name.count)
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else {
                    throw ExperimentError(file: source, key: keys, message: "an index must be written [N] with N ≥ 0")
                }
                path.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
        }
        let data = Data(value.utf8)
        let isJSON = !value.isEmpty && (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil
        let quoted = String(decoding: try! JSONSerialization.data(withJSONObject: value, options: .fragmentsAllowed), as: UTF8.self)
        self.init(path: path, json: isJSON ? value : quoted, description: text)
    }

    /// `path` set to the JSON text `json`.
    public init(path: [Step], json: String, description: String) {
        self.path = path
        self.json = json
        self.description = description
    }

    /// The experiment document `document` (JSON) with every override applied in order, pretty
    /// printed with sorted keys.
    public static func apply(_ overrides: [ExperimentOverride], to document: Data, file: String) throws(ExperimentError) -> Data {
        guard !overrides.isEmpty else { return document }
        do { try StrictJSON.validate(document, source: file) } catch { throw ExperimentError(file: file, key: "", message: error.reason) }
        guard var root = try? JSONSerialization.jsonObject(with: document, options: .fragmentsAllowed) as? [String: Any] else {
            throw ExperimentError(file: file, key: "", message: "the document must be a JSON object")
        }
        for override in overrides {
            let value: Any
            do { value = try JSONSerialization.jsonObject(with: Data(override.json.utf8), options: .fragmentsAllowed) } catch {
                throw ExperimentError(file: "--set \(override)", key: "", message: "the value is not valid JSON")
            }
            var object: Any = root
            try set(value, at: override.path[...], in: &object, override: override, done: [])
            root = object as! [String: Any]
        }
        do {
            return try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw ExperimentError(file: file, key: "", message: "could not write the changed document: \(error)")
        }
    }

    private static func set(_ value: Any, at path: ArraySlice<Step>, in node: inout Any, override: ExperimentOverride, done: [Step]) throws(ExperimentError) {
        guard let step = path.first else {
            node = value
            return
        }
        let here = done + [step]
        switch step {
        case .key(let key):
            var object: [String: Any]
            if let existing = node as? [String: Any] {
                object = existing
            } else if node is NSNull {  // a key the document does not have yet
                object = [:]
            } else {
                throw ExperimentError(file: "--set \(override)", key: name(done), message: "is not an object, so it has no key \"\(key)\"")
            }
            if path.count == 1, value is NSNull {
                object[key] = nil
            } else {
                var child: Any = object[key] ?? NSNull()
                try set(value, at: path.dropFirst(), in: &child, override: override, done: here)
                object[key] = child
            }
            node = object
        case .index(let index):
            guard var array = node as? [Any] else {
                throw ExperimentError(file: "--set \(override)", key: name(done), message: "is not a list, so it has no [\(index)]")
            }
            guard index < array.count else {
                throw ExperimentError(file: "--set \(override)", key: name(done), message: "has \(array.count) \(array.count == 1 ? "entry" : "entries"), so there is no [\(index)]")
            }
            var child = array[index]
            try set(value, at: path.dropFirst(), in: &child, override: override, done: here)
            array[index] = child
            node = array
        }
    }

    /// `model[0].activation` for a path.
    static func name(_ path: [Step]) -> String {
        path.reduce("") { text, step in
            switch step {
            case .key(let key): text.isEmpty ? key : text + "." + key
            case .index(let index): text + "[\(index)]"
            }
        }
    }
}

extension Experiment {
    /// Reads the experiment file at `path` (or, for nil, parses `builtIn`), applies `overrides`
    /// and checks the result as a file; gives the bytes it was parsed from (what the run folder
    /// keeps). An error after overrides names the file and the overrides.
    public static func read(
        path: String?, builtIn: (json: String, name: String), overrides: [ExperimentOverride]
    ) throws(ExperimentError) -> (experiment: Experiment, text: Data) {
        if overrides.isEmpty, let path { return try read(path: path) }
        let url = path.map { URL(fileURLWithPath: $0) }
        let original: Data
        if let path {
            original = try document(path: path)
        } else {
            original = Data(builtIn.json.utf8)
        }
        let file = url?.lastPathComponent ?? "built-in experiment"
        let changed = try ExperimentOverride.apply(overrides, to: original, file: file)
        let source = overrides.isEmpty ? file : "\(file) with " + overrides.map { "--set \($0)" }.joined(separator: " ")
        let experiment = try parse(changed, file: source, defaultName: url?.deletingPathExtension().lastPathComponent ?? builtIn.name,
                                   folder: url?.deletingLastPathComponent().path ?? ".")
        return (experiment, changed)
    }
}
