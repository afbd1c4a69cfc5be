import Foundation
import TensorCore

/// A CSV file with a header row, one column of which is the target.
public enum CSVTable {
    /// Which column holds the target.
    public enum Column: Sendable, Equatable {
        case name(String)
        case index(Int)
    }

    /// Reads `path`: every other column is a numeric feature. For classification the target's
    /// distinct values become class indices 0…k−1 (in numeric order when all are numbers, else
    /// text order) and `classNames` lists them; for regression the target must be numeric.
    /// Empty or non-numeric values are errors naming line and column; NaN, ±∞ and values beyond
    /// `Scalar`'s range (1e39 in Float) are an error carrying `NonFiniteValues` (lines and columns).
    public static func read<Scalar: TensorScalar>(
        path: String, target: Column, classification: Bool, as _: Scalar.Type = Scalar.self
    ) throws(DataFormatError) -> (data: InMemoryDataset<Scalar>, classNames: [String]) {
        try parse(try FileInput.text(path), source: path, target: target, classification: classification)
    }

    /// Parses CSV `text` as `read` does; `source` names it in errors.
    public static func parse<Scalar: TensorScalar>(
        _ text: String, source path: String, target: Column, classification: Bool, as _: Scalar.Type = Scalar.self
    ) throws(DataFormatError) -> (data: InMemoryDataset<Scalar>, classNames: [String]) {
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
        guard let headerLine = lines.first else { throw DataFormatError(source: path, reason: "empty file") }
        let header = fields(headerLine)
        let targetIndex: Int
        switch target {
        case .name(let name):
            guard let i = header.firstIndex(of: name) else {
                throw DataFormatError(source: path, reason: "no column named \"\(name)\" (columns: \(header.joined(separator: ", ")))")
            }
            targetIndex = i
        case .index(let i):
            guard header.indices.contains(i) else {
                throw DataFormatError(source: path, reason: "target column \(i) out of range: the file has \(header.count) columns")
            }
            targetIndex = i
        }
        guard header.count >= 2 else { throw DataFormatError(source: path, reason: "need at least one feature column and a target") }
        let (features, rawTargets): ([Scalar], [String]) = try rows(lines, header: header, target: targetIndex, source: path)
        var targets: [Scalar] = [], classNames: [String] = []
        if classification {
            let distinct = Set(rawTargets)
            classNames = distinct.allSatisfy({ Double($0) != nil })
                ? distinct.sorted { Double($0)! < Double($1)! } : distinct.sorted()
            let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
            targets = rawTargets.map { Scalar(index[$0]!) }
        } else {
            for (offset, field) in rawTargets.enumerated() {
                guard let v = Double(field) else {
                    throw DataFormatError(source: path, reason: "line \(offset + 2), target \"\(header[targetIndex])\": \"\(field)\" is not a number")
                }
                targets.append(Scalar(v))
            }
        }
        let n = rawTargets.count
        let targetTensor = classification ? Tensor(targets) : Tensor(shape: [n, 1], scalars: targets)
        let inputs = Tensor(shape: [n, header.count - 1], scalars: features)
        let featureNames = header.enumerated().filter { $0.offset != targetIndex }.map(\.element)
        if let bad = NonFiniteValues.scan(inputs, source: path, rowLabel: { $0 + 2 }, columnLabel: { featureNames[$0] })
            ?? NonFiniteValues.scan(targetTensor, source: path, rowLabel: { $0 + 2 }, columnLabel: { _ in header[targetIndex] }) {
            throw DataFormatError(nonFinite: bad)
        }
        return (InMemoryDataset(inputs: inputs, targets: targetTensor), classNames)
    }

    /// Reads a CSV file with a header row whose every column is a numeric feature (what
    /// `gradguard predict` reads): `[rows, columns]` and the column names.
    public static func features<Scalar: TensorScalar>(
        path: String, as _: Scalar.Type = Scalar.self
    ) throws(DataFormatError) -> (inputs: Tensor<Scalar>, header: [String]) {
        let lines = try FileInput.text(path).split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
        guard let headerLine = lines.first else { throw DataFormatError(source: path, reason: "empty file") }
        let header = fields(headerLine)
        let (features, _): ([Scalar], [String]) = try rows(lines, header: header, target: nil, source: path)
        guard !features.isEmpty else { throw DataFormatError(source: path, reason: "no data rows") }
        let inputs = Tensor(shape: [features.count / header.count, header.count], scalars: features)
        if let bad = NonFiniteValues.scan(inputs, source: path, rowLabel: { $0 + 2 }, columnLabel: { header[$0] }) {
            throw DataFormatError(nonFinite: bad)
        }
        return (inputs, header)
    }

    /// The data rows after the header: every field but the `target` column as a number, and the
    /// target column's text. Errors name the line and column.
    static func rows<Scalar: TensorScalar>(
        _ lines: [Substring], header: [String], target: Int?, source path: String
    ) throws(DataFormatError) -> ([Scalar], [String]) {
        var features: [Scalar] = [], rawTargets: [String] = []
        for (offset, line) in lines.dropFirst().enumerated() {
            let row = fields(line), lineNumber = offset + 2
            guard row.count == header.count else {
                throw DataFormatError(source: path, reason: "line \(lineNumber): \(row.count) fields, header has \(header.count)")
            }
            for (j, field) in row.enumerated() {
                if j == target { rawTargets.append(field); continue }
                guard let v = Double(field) else {
                    throw DataFormatError(source: path, reason: "line \(lineNumber), column \"\(header[j])\": \"\(field)\" is not a number")
                }
                features.append(Scalar(v))
            }
        }
        return (features, rawTargets)
    }

    /// The comma-separated fields of one line; double quotes may enclose a field (`""` is a quote).
    static func fields(_ line: Substring) -> [String] {
        var result: [String] = [], current = "", quoted = false
        var chars = line.makeIterator()
        while let ch = chars.next() {
            if quoted {
                if ch == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { current.append("\"") } else {
                            quoted = false
                            if next == "," { result.append(current); current = "" } else { current.append(next) }
                        }
                    } else { quoted = false }
                } else { current.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                result.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(ch)
            }
        }
        result.append(current.trimmingCharacters(in: .whitespaces))
        return result
    }
}
