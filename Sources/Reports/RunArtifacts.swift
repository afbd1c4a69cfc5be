import Diagnosis
import Doctor
import Foundation
import Monitor
import Runs
import TensorCore
import Training

/// What a report is drawn from, as a run folder holds it: the doctor document (`doctor.json`;
/// a `train` run's has no repairs), the monitor's records (`metrics.jsonl`), every run's
/// per-step loss (`loss_curves.csv`) and the experiment file.
public struct RunArtifacts: Sendable {
    public var report: DoctorReport
    public var records: [StepRecord]
    public var lossCurves: LossCurves
    public var experimentText: String
    /// The recommended fix's records (`fix_metrics.jsonl`), when the doctor found one.
    public var fixRecords: [StepRecord]?
    /// The folder's `status.json`, when it has one (folders written before it existed have none).
    public var status: RunStatus?

    /// The file that holds the recommended fix's monitor records.
    public static let fixRecordsFile = "fix_metrics.jsonl"

    public init(report: DoctorReport, records: [StepRecord], lossCurves: LossCurves, experimentText: String, fixRecords: [StepRecord]? = nil,
                status: RunStatus? = nil) {
        self.report = report
        self.records = records
        self.lossCurves = lossCurves
        self.experimentText = experimentText
        self.fixRecords = fixRecords
        self.status = status
    }

    /// True when the folder's run did not finish (interrupted, killed, or still training).
    public var isUnfinished: Bool { status.map { $0.state != .complete } ?? false }

    /// The monitor records of a JSON Lines file (`metrics.jsonl`); a bad line is an error naming it.
    public static func records(_ path: String) throws(DataFormatError) -> [StepRecord] {
        try records(text: try FileInput.text(path), source: path)
    }

    /// The monitor records in JSON Lines `text`; `source` names it in errors.
    public static func records(text: String, source path: String) throws(DataFormatError) -> [StepRecord] {
        let decoder = JSONDecoder.gradGuard()
        var records: [StepRecord] = []
        for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            do { records.append(try decoder.decode(StepRecord.self, from: Data(line.utf8))) } catch {
                throw DataFormatError(source: path, reason: "line \(i + 1): not a step record: \(error)")
            }
        }
        return records
    }

    /// The loss named in the experiment file, with its unit, for an axis title.
    public var lossName: String {
        let object = try? JSONSerialization.jsonObject(with: Data(experimentText.utf8)) as? [String: Any]
        switch object?["loss"] as? String {
        case "cross_entropy": return "cross-entropy loss (nats)"
        case "bce_with_logits": return "binary cross-entropy loss (nats)"
        case "mse": return "mean squared error (target units²)"
        default: return "loss"
        }
    }

    /// Reads a run folder written by `RunFolder`. An unfinished run's folder (no `doctor.json`
    /// yet) gives what it has: its records, diagnosed, and `isUnfinished`.
    public static func load(folder: String) throws(DataFormatError) -> RunArtifacts {
        let base = URL(fileURLWithPath: folder)
        func path(_ name: String) -> String { base.appendingPathComponent(name).path }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder)
        guard exists, isFolder.boolValue else {
            throw DataFormatError(source: folder, reason: exists ? "is not a folder (give a run folder, e.g. runs/NAME-DATE)" : "no such folder")
        }
        let status = FileManager.default.fileExists(atPath: path(RunFolder.statusFile)) ? try RunFolder(existing: folder).status : nil
        func text(_ name: String) throws(DataFormatError) -> String {
            guard FileManager.default.fileExists(atPath: path(name)) else {
                throw DataFormatError(source: path(name), reason: "no such file (is \(folder) a GradGuard run folder?)")
            }
            return try FileInput.text(path(name))
        }
        let experimentText = try text("experiment.json")
        if let status, status.state != .complete, !FileManager.default.fileExists(atPath: path("doctor.json")) {
            let records = FileManager.default.fileExists(atPath: path(RunFolder.metricsFile)) ? try Self.records(path(RunFolder.metricsFile)) : []
            let losses = records.map(\.loss)
            let run = MonitoredRun(history: History(stepLosses: losses), records: records,
                                   final: FinalMetrics(loss: losses.last ?? .nan, accuracy: nil, steps: status.checkpointStep ?? 0),
                                   findings: Diagnoser().diagnose(records), decomposition: nil, stoppedEarly: nil, metricsJSONLines: "", weights: [:])
            let name = (try? JSONSerialization.jsonObject(with: Data(experimentText.utf8)) as? [String: Any])?["name"] as? String
            return RunArtifacts(report: DoctorReport(name: name ?? base.lastPathComponent, run: run), records: records,
                                lossCurves: LossCurves(runs: [("original", losses)]), experimentText: experimentText, status: status)
        }
        let report: DoctorReport
        do { report = try JSONDecoder.gradGuard().decode(DoctorReport.self, from: Data(try text("doctor.json").utf8)) } catch let error as DataFormatError {
            throw error
        } catch {
            throw DataFormatError(source: path("doctor.json"), reason: "not a doctor document: \(error)")
        }
        _ = try text(RunFolder.metricsFile)
        let curves = try LossCurves.parse(try text("loss_curves.csv"), source: path("loss_curves.csv"))
        let hasFix = FileManager.default.fileExists(atPath: path(fixRecordsFile))
        return RunArtifacts(report: report, records: try records(path(RunFolder.metricsFile)), lossCurves: curves,
                            experimentText: experimentText, fixRecords: hasFix ? try records(path(fixRecordsFile)) : nil, status: status)
    }
}
