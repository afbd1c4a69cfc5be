import Doctor
import Foundation
import Monitor
import TensorCore

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

    /// The file that holds the recommended fix's monitor records.
    public static let fixRecordsFile = "fix_metrics.jsonl"

    public init(report: DoctorReport, records: [StepRecord], lossCurves: LossCurves, experimentText: String, fixRecords: [StepRecord]? = nil) {
        self.report = report
        self.records = records
        self.lossCurves = lossCurves
        self.experimentText = experimentText
        self.fixRecords = fixRecords
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

    /// Reads a run folder written by `RunFolder`.
    public static func load(folder: String) throws(DataFormatError) -> RunArtifacts {
        let base = URL(fileURLWithPath: folder)
        func text(_ name: String) throws(DataFormatError) -> String {
            let path = base.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DataFormatError(source: path, reason: "no such file (is \(folder) a GradGuard run folder?)")
            }
            return String(decoding: data, as: UTF8.self)
        }
        let decoder = JSONDecoder.gradGuard()
        let reportPath = base.appendingPathComponent("doctor.json").path
        let report: DoctorReport
        do { report = try decoder.decode(DoctorReport.self, from: Data(try text("doctor.json").utf8)) } catch let error as DataFormatError {
            throw error
        } catch {
            throw DataFormatError(source: reportPath, reason: "not a doctor document: \(error)")
        }
        func records(_ name: String) throws(DataFormatError) -> [StepRecord] {
            var records: [StepRecord] = []
            for (i, line) in try text(name).split(whereSeparator: \.isNewline).enumerated() {
                do { records.append(try decoder.decode(StepRecord.self, from: Data(line.utf8))) } catch {
                    throw DataFormatError(source: base.appendingPathComponent(name).path, reason: "line \(i + 1): not a step record: \(error)")
                }
            }
            return records
        }
        let curves = try LossCurves.parse(try text("loss_curves.csv"), source: base.appendingPathComponent("loss_curves.csv").path)
        let hasFix = FileManager.default.fileExists(atPath: base.appendingPathComponent(fixRecordsFile).path)
        return RunArtifacts(report: report, records: try records("metrics.jsonl"), lossCurves: curves,
                            experimentText: try text("experiment.json"), fixRecords: hasFix ? try records(fixRecordsFile) : nil)
    }
}
