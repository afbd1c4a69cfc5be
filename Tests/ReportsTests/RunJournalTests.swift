import Doctor
import Experiments
import Foundation
import Monitor
import Reports
import Runs
import TensorCore
import TestSupport
import XCTest

/// The run folder as a journal: written while training, readable unfinished, and a failed write
/// never leaves half a line or stops training.
final class RunJournalTests: XCTestCase {
    let json = #"{"name": "journal", "seed": 1, "data": {"kind": "spirals", "samples": 120}, "model": [{"type": "mlp", "sizes": [2, 8, 3]}], "batch_size": 40, "epochs": 3}"#

    func folder(_ root: String) throws -> RunFolder {
        try RunFolder(root: root, name: "journal", status: RunStatus(
            command: "train", experimentFolder: root, experimentFile: "journal.json", monitorEvery: 1, tensorboard: false, totalSteps: 9))
    }

    func testAnUnfinishedFolderReportsWhatItHasAndSaysSo() throws {
        let root = try ExternalTool.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try folder(root)
        try run.begin(experimentText: Data(json.utf8), totalSteps: 9)
        let setup = try ExperimentSetup<Float>(Experiment.parse(Data(json.utf8), file: "journal.json"))
        var steps = 0
        let result = ExperimentRunner.run(setup, persistence: RunPersistence(journal: run), stopRequested: { steps += 1; return steps == 5 })
        XCTAssertTrue(result.interrupted)
        XCTAssertEqual(run.status.checkpointStep, 5)
        XCTAssertEqual(run.status.state, .running, "only the final save marks it interrupted")
        let lines = try String(contentsOfFile: run.file(RunFolder.metricsFile), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 5)
        let artifacts = try RunArtifacts.load(folder: run.path)
        XCTAssertTrue(artifacts.isUnfinished)
        XCTAssertEqual(artifacts.records, result.records)
        let html = HTMLReport.html(artifacts)
        XCTAssertTrue(html.contains("Unfinished run:</strong> it did not finish"), "the banner")
        XCTAssertTrue(html.contains("at step 5 of 9"))
        // The same folder after the interrupted run's final save.
        try run.save(experimentText: Data(json.utf8), report: DoctorReportFactory.report(result), original: result)
        XCTAssertEqual(try RunFolder(existing: run.path).status.state, .interrupted)
        XCTAssertTrue(try RunArtifacts.load(folder: run.path).isUnfinished)
    }

    func testAFullDiskLosesNoLineAndDoesNotStopTraining() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full to stand for a full disk")
        let root = try ExternalTool.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try folder(root)
        try run.begin(experimentText: Data(json.utf8), totalSteps: 9)
        try FileManager.default.createSymbolicLink(atPath: run.file(RunFolder.metricsFile), withDestinationPath: "/dev/full")
        let setup = try ExperimentSetup<Float>(Experiment.parse(Data(json.utf8), file: "journal.json"))
        let result = ExperimentRunner.run(setup, persistence: RunPersistence(journal: run))
        XCTAssertEqual(result.final.steps, 9, "training went on")
        XCTAssertFalse(run.writeProblems.isEmpty)
        XCTAssertTrue(run.writeProblems[0].contains("cannot append"), run.writeProblems[0])
        XCTAssertTrue(run.writeProblems[0].lowercased().contains("space"), run.writeProblems[0])
        XCTAssertNil(run.status.checkpointStep, "no checkpoint ahead of the records it goes with")
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.file(RunFolder.checkpointFile)))
    }
}

/// A `train` run's doctor document.
enum DoctorReportFactory {
    static func report(_ run: MonitoredRun) -> DoctorReport { DoctorReport(name: "journal", run: run) }
}
