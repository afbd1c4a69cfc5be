import Foundation
import TensorCore

/// Runs reference-case files and reports one line per case (`gradguard reference`).
public enum ReferenceRunner {
    /// One case's verdict.
    public struct Report: Sendable {
        /// The case's name (its file name without `.json`).
        public let name: String
        /// The worst field and its tolerance ratio, or nil when the case could not run.
        public let worst: FieldComparison?
        /// Why the case could not run (`unsupported: lstm`, a malformed field…).
        public let error: String?
        public var passed: Bool { error == nil && (worst?.passed ?? false) }

        /// `name  PASS  worst output 0.0064× tolerance` or `name  FAIL  …`.
        public var line: String {
            let verdict = passed ? "PASS" : "FAIL"
            let detail = error ?? worst.map { String(format: "worst %@ %.3g× tolerance", $0.field, $0.worstRatio) } ?? ""
            return "\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(verdict)  \(detail)"
        }
    }

    /// The `.json` files named by `paths`: files as given, folders searched (sorted by name).
    /// A path that does not exist becomes a failing report instead.
    public static func caseFiles(_ paths: [String]) -> (files: [URL], missing: [Report]) {
        var files: [URL] = [], missing: [Report] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(Report(name: path, worst: nil, error: "\(path): no such file or folder"))
                continue
            }
            if isDirectory.boolValue {
                let found = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
                files += found.filter { $0.hasSuffix(".json") }.sorted()
                    .map { URL(fileURLWithPath: path).appendingPathComponent($0) }
            } else {
                files.append(URL(fileURLWithPath: path))
            }
        }
        return (files, missing)
    }

    /// Runs one file in `Scalar` precision and compares every expected field.
    public static func run<Scalar: TensorScalar>(_ file: URL, as _: Scalar.Type) -> Report {
        let name = file.deletingPathExtension().lastPathComponent
        do {
            let reference = try ReferenceCase.load(from: file)
            let worst = reference.compare(try reference.run(as: Scalar.self)).first
            return Report(name: reference.name, worst: worst, error: nil)
        } catch {
            return Report(name: name, worst: nil, error: "\(error)")
        }
    }
}
