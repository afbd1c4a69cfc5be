import Foundation
import TensorCore

/// Every step's training loss of each run of a doctor session (the original and each remedy),
/// as `loss_curves.csv`: a `step` column, then one column per run, empty where a run had
/// stopped; NaN and ±∞ written as `nan`, `inf`, `-inf`.
public struct LossCurves: Sendable, Equatable {
    /// Run label (`original`, a remedy's name) and its per-step losses, in column order.
    public var runs: [(label: String, losses: [Double])]

    public init(runs: [(label: String, losses: [Double])]) { self.runs = runs }

    public static func == (a: LossCurves, b: LossCurves) -> Bool {
        a.runs.count == b.runs.count && zip(a.runs, b.runs).allSatisfy { x, y in
            x.label == y.label && x.losses.count == y.losses.count
                && zip(x.losses, y.losses).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        }
    }

    /// The CSV text.
    public func csv() -> String {
        var lines = [(["step"] + runs.map { CSVField.quote($0.label) }).joined(separator: ",")]
        let length = runs.map(\.losses.count).max() ?? 0
        for step in 0..<length {
            lines.append(([String(step)] + runs.map { step < $0.losses.count ? CSVField.number($0.losses[step]) : "" }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses `loss_curves.csv`; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws(DataFormatError) -> LossCurves {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first.map(CSVField.split), header.first == "step" else {
            throw DataFormatError(source: source, reason: "expected a header row starting with “step”")
        }
        var runs = header.dropFirst().map { (label: $0, losses: [Double]()) }
        for (i, line) in lines.dropFirst().enumerated() {
            let fields = CSVField.split(line)
            guard fields.count == header.count else {
                throw DataFormatError(source: source, reason: "line \(i + 2): \(fields.count) fields, the header has \(header.count)")
            }
            for (r, field) in fields.dropFirst().enumerated() where !field.isEmpty {
                guard let value = CSVField.parseNumber(field) else {
                    throw DataFormatError(source: source, reason: "line \(i + 2), column \(header[r + 1]): “\(field)” is not a number")
                }
                runs[r].losses.append(value)
            }
        }
        return LossCurves(runs: runs)
    }
}
