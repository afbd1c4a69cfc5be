import Checkpoints
import Doctor
import Foundation
import Runs
import TensorBoard

/// A run's folder, `ROOT/NAME-YYYYMMDD-HHMMSS/`, holding:
/// - `experiment.json`, the experiment file as given;
/// - `metrics.jsonl` (one monitor record per line) and `metrics.csv` (one row per step and layer);
/// - `fix_metrics.jsonl`, the recommended fix's records, when the doctor found one;
/// - `loss_curves.csv`, every step's loss of the original run and of each remedy;
/// - `weights.safetensors`, the final weights with PyTorch `state_dict` names;
/// - `doctor.json`, the doctor document (a `train` run's has no repairs);
/// - `report.html`, the self-contained report;
/// - with TensorBoard on, `tensorboard/original/` and `tensorboard/REMEDY/`, one event file each.
/// A name that exists gets `-2`, `-3`, … so no earlier run is overwritten.
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

    /// Saves a finished session: the original run and, for `doctor`, each remedy's run (in the
    /// order of `report.repairs`). The numbers come first and the report last, so a failure
    /// late on loses no result.
    public func save(experimentText: Data, report: DoctorReport, original: MonitoredRun, repairs: [MonitoredRun] = [],
                     tensorboard: Bool = false) throws {
        precondition(repairs.count == report.repairs.count, "RunFolder.save: \(repairs.count) runs for \(report.repairs.count) repairs")
        try write("experiment.json", experimentText)
        try write("metrics.jsonl", Data(original.metricsJSONLines.utf8))
        try write("doctor.json", Data(try report.json().utf8))
        try write("weights.safetensors", SafetensorsFile.encode(original.weights))
        let curves = LossCurves(runs: [("original", original.history.stepLosses)]
            + zip(report.repairs, repairs).map { ($0.remedy, $1.history.stepLosses) })
        try write("loss_curves.csv", Data(curves.csv().utf8))
        try write("metrics.csv", Data(MetricsCSV.csv(original.records).utf8))
        // The recommended fix's records, so the report can draw its gradient flow beside the original's.
        let fix = report.bestRemedy.flatMap { best in report.repairs.firstIndex { $0.remedy == best } }.map { repairs[$0] }
        if let fix { try write(RunArtifacts.fixRecordsFile, Data(fix.metricsJSONLines.utf8)) }
        if tensorboard {
            let runs = [("original", original)] + zip(report.repairs, repairs).map { ($0.remedy, $1) }
            for (label, run) in runs {
                try TensorBoardExport.write(records: run.records, history: run.history, test: (run.final.loss, run.final.accuracy),
                                            to: URL(fileURLWithPath: path).appendingPathComponent("tensorboard/\(label)").path)
            }
        }
        let artifacts = RunArtifacts(report: report, records: original.records, lossCurves: curves,
                                     experimentText: String(decoding: experimentText, as: UTF8.self), fixRecords: fix?.records)
        try write("report.html", Data(HTMLReport.html(artifacts).utf8))
    }

    /// The report's path.
    public var reportPath: String { URL(fileURLWithPath: path).appendingPathComponent("report.html").path }
}
