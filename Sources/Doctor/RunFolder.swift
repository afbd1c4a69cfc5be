import Foundation

/// A run's folder, `ROOT/NAME-YYYYMMDD-HHMMSS/`: the experiment file, `metrics.jsonl` (one
/// monitor record per line), the final weights (`weights.safetensors`, PyTorch `state_dict`
/// names) and, for `doctor`, `doctor.json`. A name that exists gets `-2`, `-3`, … so no earlier
/// run is overwritten.
public struct RunFolder: Sendable {
    public let path: String

    /// Creates the folder under `root` (default `runs`).
    public init(root: String = "runs", name: String, date: Date = Date()) throws {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
        var candidate = URL(fileURLWithPath: root).appendingPathComponent("\(safe)-\(formatter.string(from: date))").path
        var n = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = URL(fileURLWithPath: root).appendingPathComponent("\(safe)-\(formatter.string(from: date))-\(n)").path
            n += 1
        }
        try FileManager.default.createDirectory(atPath: candidate, withIntermediateDirectories: true)
        path = candidate
    }

    /// Writes `data` to `name` inside the folder.
    public func write(_ name: String, _ data: Data) throws {
        try data.write(to: URL(fileURLWithPath: path).appendingPathComponent(name))
    }

    /// Saves a finished run: the experiment text, metrics.jsonl and weights.safetensors.
    public func save(experimentText: Data, run: MonitoredRun) throws {
        try write("experiment.json", experimentText)
        try write("metrics.jsonl", Data(run.metricsJSONLines.utf8))
        try write("weights.safetensors", SafetensorsWriter.encode(run.weights))
    }
}
