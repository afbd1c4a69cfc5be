import Checkpoints
import Doctor
import Experiments
import Foundation
import Monitor
import Runs
import TensorBoard
import TensorCore
import Training

/// A run's folder, `ROOT/NAME-YYYYMMDD-HHMMSS/`, created when the run starts and written as it
/// goes, so that an interruption loses at most the steps since the last checkpoint:
/// - `experiment.json`, the experiment file as given;
/// - `status.json`, `RunStatus`: running, interrupted or complete, and how far it got;
/// - `metrics.jsonl` (one monitor record per line), appended at every checkpoint;
/// - `checkpoint.safetensors`, `TrainingCheckpoint`: what `gradguard train --resume` continues from;
/// - at the end: `metrics.csv` (one row per step and layer), `loss_curves.csv` (every step's loss
///   of the original run and of each remedy), `weights.safetensors` (the final weights with
///   PyTorch `state_dict` names), `doctor.json` and `report.html`; `fix_metrics.jsonl`, the
///   recommended fix's records, when the doctor found one;
/// - with TensorBoard on, `tensorboard/original/` (streamed as the run goes) and
///   `tensorboard/REMEDY/`.
/// Every file but the appended ones is replaced atomically (written under a temporary name,
/// then renamed), so a kill never leaves half a file. A name that exists gets `-2`, `-3`, …
/// so no earlier run is overwritten.
public final class RunFolder: RunJournal {
    public let path: String
    /// What went wrong writing as the run went (a full disk…): training goes on, and these are
    /// reported at the end.
    public private(set) var writeProblems: [String] = []
    /// The run's state as `status.json` says it.
    public private(set) var status: RunStatus
    private var tensorboard: TensorBoardStream?

    public static let statusFile = "status.json"
    public static let checkpointFile = "checkpoint.safetensors"
    /// The weights of the epoch with the lowest validation loss.
    public static let bestWeightsFile = "best.safetensors"
    public static let metricsFile = "metrics.jsonl"

    /// Creates the folder under `root` (default `runs`) for a run of `status.command`.
    public init(root: String = "runs", name: String, date: Date = Date(), status: RunStatus) throws(DataFormatError) {
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
        // The nearest existing folder on the path says what stands in the way.
        var ancestor = URL(fileURLWithPath: root).standardizedFileURL, isFolder: ObjCBool = false
        while !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isFolder), ancestor.path != "/" {
            ancestor = ancestor.deletingLastPathComponent()
        }
        guard isFolder.boolValue else {
            throw DataFormatError(source: ancestor.path, reason: "is a file; the run folder needs a folder there (choose another with --runs)")
        }
        guard FileManager.default.isWritableFile(atPath: ancestor.path) else {
            throw DataFormatError(source: ancestor.path, reason: "cannot create the run folder here (permission denied; choose another with --runs)")
        }
        do { try FileManager.default.createDirectory(atPath: candidate, withIntermediateDirectories: true) } catch {
            throw DataFormatError(source: candidate, reason: "cannot create the run folder (\(Self.reason(error)))")
        }
        path = candidate
        self.status = status
    }

    /// An existing run folder, to resume or report on; it must hold `status.json`.
    public init(existing path: String) throws(DataFormatError) {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        guard exists, isFolder.boolValue else { throw DataFormatError(source: path, reason: exists ? "is not a run folder" : "no such folder") }
        let statusPath = URL(fileURLWithPath: path).appendingPathComponent(Self.statusFile).path
        guard FileManager.default.fileExists(atPath: statusPath) else {
            throw DataFormatError(source: path, reason: "has no \(Self.statusFile) (not a run folder, or one written before GradGuard kept status)")
        }
        status = try RunStatus.decode(try FileInput.bytes(statusPath), source: statusPath)
        self.path = path
    }

    /// The experiment the run trained, as its folder kept it (`experiment.json`, with relative
    /// data paths resolved against the original file's folder), and the bytes it was read from.
    public func experiment() throws(DataFormatError) -> (experiment: Experiment, text: Data) {
        let text = try FileInput.bytes(file("experiment.json"))
        do {
            let experiment = try Experiment.parse(
                text, file: status.experimentFile,
                defaultName: URL(fileURLWithPath: status.experimentFile).deletingPathExtension().lastPathComponent,
                folder: status.experimentFolder)
            return (experiment, text)
        } catch { throw DataFormatError(source: file("experiment.json"), reason: "\(error)") }
    }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { URL(fileURLWithPath: path).appendingPathComponent(name).path }

    /// Writes `data` to `name` inside the folder, atomically.
    public func write(_ name: String, _ data: Data) throws(DataFormatError) {
        do { try data.write(to: URL(fileURLWithPath: file(name)), options: .atomic) } catch {
            throw DataFormatError(source: file(name), reason: "cannot write (\(Self.reason(error)))")
        }
    }

    /// Writes the experiment file and the status (running, `totalSteps` long), before training
    /// starts or resumes.
    public func begin(experimentText: Data, totalSteps: Int) throws(DataFormatError) {
        try write("experiment.json", experimentText)
        status.state = .running
        status.totalSteps = totalSteps
        try writeStatus()
    }

    /// Streams the original run's TensorBoard events into `tensorboard/original/` from now on;
    /// a resumed run passes how many epochs the earlier files hold.
    public func streamTensorBoard(resumedEpochs: Int? = nil) throws(DataFormatError) {
        do {
            tensorboard = try TensorBoardStream(folder: file("tensorboard/original"))
            if let resumedEpochs { try tensorboard?.append(records: [], history: History(), skipEpochs: resumedEpochs) }
        } catch { throw DataFormatError(source: file("tensorboard/original"), reason: "cannot write (\(Self.reason(error)))") }
    }

    // MARK: RunJournal

    public func save(records: ArraySlice<StepRecord>, checkpoint: TrainingCheckpoint, totalSteps: Int) {
        do {
            try append(records: records)
            try tensorboard?.append(records: records, history: checkpoint.position.history)
            try write(Self.checkpointFile, try checkpoint.encoded())
            status.step = checkpoint.position.step
            status.totalSteps = totalSteps
            status.checkpointStep = checkpoint.position.step
            try writeStatus()
        } catch {
            let message = (error as? DataFormatError)?.description ?? Self.reason(error)
            if writeProblems.last != message { writeProblems.append(message) }
        }
    }

    /// Appends whole JSON lines to `metrics.jsonl`; on a failed write the file is cut back to
    /// its last whole line, so a full disk never leaves half a record.
    func append(records: ArraySlice<StepRecord>) throws {
        guard !records.isEmpty else { return }
        let encoder = JSONEncoder.gradGuard()
        var chunk = Data()
        for record in records {
            chunk.append(try encoder.encode(record))
            chunk.append(0x0A)
        }
        let url = URL(fileURLWithPath: file(Self.metricsFile))
        if !FileManager.default.fileExists(atPath: url.path) { FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let end = try handle.seekToEnd()
        do {
            try handle.write(contentsOf: chunk)
            try handle.synchronize()
        } catch {
            try? handle.truncate(atOffset: end)
            throw DataFormatError(source: url.path, reason: "cannot append (\(Self.reason(error))); it keeps the records before step \(records.first!.step)")
        }
    }

    /// The first `count` records of `metrics.jsonl`, the file cut back to them (a resumed run
    /// continues after them).
    public func resumeRecords(count: Int) throws(DataFormatError) -> [StepRecord] {
        let path = file(Self.metricsFile)
        guard count > 0 else {
            try write(Self.metricsFile, Data())
            return []
        }
        let records = try RunArtifacts.records(path)
        guard records.count >= count else {
            throw DataFormatError(source: path, reason: "holds \(records.count) records, the checkpoint needs \(count)")
        }
        let kept = Array(records.prefix(count))
        let encoder = JSONEncoder.gradGuard()
        var data = Data()
        for record in kept {
            guard let line = try? encoder.encode(record) else { continue }
            data.append(line)
            data.append(0x0A)
        }
        try write(Self.metricsFile, data)
        return kept
    }

    func writeStatus() throws(DataFormatError) {
        status.updated = Date()
        let data: Data
        do { data = try RunStatus.encoder.encode(status) } catch {
            throw DataFormatError(source: file(Self.statusFile), reason: "cannot encode (\(error))")
        }
        try write(Self.statusFile, data)
    }

    /// Saves a finished (or interrupted) session: the original run and, for `doctor`, each
    /// remedy's run (in the order of `report.repairs`). The numbers come first and the report
    /// last, so a failure late on loses no result; `status.json` says complete (or interrupted)
    /// only once everything is written.
    /// `interrupted` (default: whether the original run was) marks the session as cut short.
    public func save(experimentText: Data, report: DoctorReport, original: MonitoredRun, repairs: [MonitoredRun] = [],
                     tensorboard: Bool = false, interrupted: Bool? = nil) throws(DataFormatError) {
        precondition(repairs.count == report.repairs.count, "RunFolder.save: \(repairs.count) runs for \(report.repairs.count) repairs")
        try write("experiment.json", experimentText)
        try write(Self.metricsFile, Data(original.metricsJSONLines.utf8))
        try write("doctor.json", Data(try encode { try report.json() }.utf8))
        try write("weights.safetensors", SafetensorsFile.encode(original.weights))
        if let best = original.best {
            try write(Self.bestWeightsFile, SafetensorsFile.encode(best.weights, metadata: ["epoch": "\(best.score.epoch)",
                                                                                            "validation_loss": "\(best.score.loss)"]))
        }
        let curves = LossCurves(runs: [("original", original.history.stepLosses)]
            + zip(report.repairs, repairs).map { ($0.remedy, $1.history.stepLosses) })
        try write("loss_curves.csv", Data(curves.csv().utf8))
        try write("metrics.csv", Data(MetricsCSV.csv(original.records).utf8))
        // The recommended fix's records, so the report can draw its gradient flow beside the original's.
        let fix = report.bestRemedy.flatMap { best in report.repairs.firstIndex { $0.remedy == best } }.map { repairs[$0] }
        if let fix { try write(RunArtifacts.fixRecordsFile, Data(fix.metricsJSONLines.utf8)) }
        do {
            let test = (original.final.loss, original.final.accuracy)
            if let stream = self.tensorboard {
                try stream.finish(test: test)
                self.tensorboard = nil
            } else if tensorboard {
                try TensorBoardExport.write(records: original.records, history: original.history, test: test, to: file("tensorboard/original"))
            }
            if tensorboard {
                for (repair, run) in zip(report.repairs, repairs) {
                    try TensorBoardExport.write(records: run.records, history: run.history, test: (run.final.loss, run.final.accuracy),
                                                to: file("tensorboard/\(repair.remedy)"))
                }
            }
        } catch {
            throw DataFormatError(source: file("tensorboard"), reason: "cannot write (\(Self.reason(error)))")
        }
        let artifacts = RunArtifacts(report: report, records: original.records, lossCurves: curves,
                                     experimentText: String(decoding: experimentText, as: UTF8.self), fixRecords: fix?.records)
        try write("report.html", Data(HTMLReport.html(artifacts).utf8))
        status.state = (interrupted ?? original.interrupted) ? .interrupted : .complete
        status.step = original.final.steps
        try writeStatus()
    }

    private func encode(_ body: () throws -> String) throws(DataFormatError) -> String {
        do { return try body() } catch { throw DataFormatError(source: path, reason: "cannot encode (\(error))") }
    }

    /// The report's path.
    public var reportPath: String { file("report.html") }

    /// An error's reason without Foundation's domain and code ("No space left on device").
    static func reason(_ error: any Error) -> String {
        if let error = error as? DataFormatError { return error.reason }
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(posix.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileWriteOutOfSpace: return "no space left on the disk"
        case .fileWriteNoPermission: return "permission denied"
        case .fileWriteVolumeReadOnly: return "the disk is read-only"
        case .fileWriteFileExists: return "a file of that name is in the way"
        case .fileNoSuchFile, .fileReadNoSuchFile: return "a folder on the path does not exist"
        default: return ns.localizedFailureReason ?? ns.localizedDescription
        }
    }
}

/// `status.json`: what a run folder holds and whether its run finished.
public struct RunStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        /// Training, or stopped without a word (killed): `--resume` continues from the checkpoint.
        case running
        /// Stopped by Ctrl-C or SIGTERM after saving a checkpoint.
        case interrupted
        /// Every file written.
        case complete
    }

    public var state: State
    /// `train` or `doctor`.
    public var command: String
    /// The folder the experiment file was in (its relative data paths start there).
    public var experimentFolder: String
    /// The file's name as given.
    public var experimentFile: String
    /// Options a resumed run must keep.
    public var monitorEvery: Int
    public var tensorboard: Bool
    /// Steps taken (at the last checkpoint while running), of `totalSteps`.
    public var step: Int
    public var totalSteps: Int
    /// The step the checkpoint continues from, nil before the first.
    public var checkpointStep: Int?
    /// When the status was last written (ISO 8601 in the file).
    public var updated: Date

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder.gradGuard(pretty: true)
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// Reads `status.json` bytes; `source` names them in errors.
    public static func decode(_ data: Data, source: String) throws(DataFormatError) -> RunStatus {
        try StrictJSON.validate(data, source: source)
        do { return try decoder.decode(RunStatus.self, from: data) } catch {
            throw DataFormatError(source: source, reason: "not a run status: \(error)")
        }
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder.gradGuard()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    public init(command: String, experimentFolder: String, experimentFile: String, monitorEvery: Int, tensorboard: Bool, totalSteps: Int) {
        state = .running
        self.command = command
        self.experimentFolder = experimentFolder
        self.experimentFile = experimentFile
        self.monitorEvery = monitorEvery
        self.tensorboard = tensorboard
        step = 0
        self.totalSteps = totalSteps
        updated = Date()
    }
}
