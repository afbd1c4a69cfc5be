import Datasets
import Experiments
import Foundation
import Monitor
import TensorCore
import Training
import XCTest
@testable import Runs

/// A journal that keeps what it is given in memory.
final class MemoryJournal: RunJournal {
    var records: [StepRecord] = []
    var checkpoints: [TrainingCheckpoint] = []

    func save(records: ArraySlice<StepRecord>, checkpoint: TrainingCheckpoint, totalSteps: Int) {
        self.records += records
        checkpoints.append(checkpoint)
    }
}

final class CheckpointTests: XCTestCase {
    let json = #"{"name": "ckpt", "seed": 5, "data": {"kind": "spirals", "samples": 300},"#
        + #" "model": [{"type": "mlp", "sizes": [2, 16, 16, 3], "activation": "tanh", "dropout": 0.1}],"#
        + #" "optimizer": {"type": "adam", "lr": 0.01, "amsgrad": true}, "schedule": {"type": "step", "step_size": 1, "gamma": 0.7}, "batch_size": 32, "epochs": 4}"#

    func setup() throws -> ExperimentSetup<Float> { try ExperimentSetup(Experiment.parse(Data(json.utf8), file: "ckpt.json")) }

    func testJournalGetsEveryRecordOnceAndACheckpointPerEpoch() throws {
        let journal = MemoryJournal()
        let run = ExperimentRunner.run(try setup(), persistence: RunPersistence(journal: journal, checkpointInterval: .infinity))
        XCTAssertEqual(journal.checkpoints.count, 4)
        XCTAssertEqual(journal.records, run.records)
        XCTAssertEqual(journal.checkpoints.map(\.recordCount), journal.checkpoints.map(\.position.step))
        XCTAssertEqual(journal.checkpoints.last?.model, run.weights)
    }

    func testCheckpointFileRoundTripsExactly() throws {
        let journal = MemoryJournal()
        _ = ExperimentRunner.run(try setup(), persistence: RunPersistence(journal: journal, checkpointInterval: .infinity))
        let saved = try XCTUnwrap(journal.checkpoints.dropLast().last)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gg-ckpt-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try saved.encoded().write(to: URL(fileURLWithPath: path))
        let read = try TrainingCheckpoint.read(path: path)
        XCTAssertEqual(read.model, saved.model)
        XCTAssertEqual(read.optimizerSteps, saved.optimizerSteps)
        XCTAssertEqual(read.parameterSteps, saved.parameterSteps)
        XCTAssertEqual(read.recordCount, saved.recordCount)
        XCTAssertEqual(read.position.history, saved.position.history)
        XCTAssertEqual(Set(read.optimizerState.keys), ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
        for (name, buffers) in saved.optimizerState where buffers.contains(where: { $0 != nil }) {
            XCTAssertEqual(read.optimizerState[name]!, buffers, name)
        }
        XCTAssertEqual(Set(read.randomStates.keys), Set(saved.randomStates.keys))
        XCTAssertFalse(read.randomStates.isEmpty, "the dropout layers' generators are kept")
        // A weights file is not a checkpoint.
        try Data(SafetensorsFileBytes.plain).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try TrainingCheckpoint.read(path: path)) { XCTAssertTrue("\($0)".contains("not a GradGuard checkpoint"), "\($0)") }
    }

    /// Resuming from every epoch's checkpoint, in a fresh setup, ends with the uninterrupted run's weights.
    func testResumeFromACheckpointMatchesBitForBit() throws {
        let journal = MemoryJournal()
        let full = ExperimentRunner.run(try setup(), persistence: RunPersistence(journal: journal, checkpointInterval: .infinity))
        for checkpoint in journal.checkpoints.dropLast() {
            let fresh = try setup()
            try checkpoint.restore(into: fresh.trainer, source: "memory")
            let resumedJournal = MemoryJournal()
            let records = Array(journal.records.prefix(checkpoint.recordCount))
            let resumed = ExperimentRunner.run(fresh, persistence: RunPersistence(
                journal: resumedJournal, checkpointInterval: .infinity, resume: (checkpoint.position, records)))
            XCTAssertEqual(resumed.weights, full.weights, "from step \(checkpoint.position.step)")
            XCTAssertEqual(resumed.history.stepLosses, full.history.stepLosses)
            XCTAssertEqual(resumed.records, full.records)
            XCTAssertEqual(resumed.final, full.final)
            XCTAssertEqual(resumedJournal.records, Array(full.records.dropFirst(checkpoint.recordCount)))
        }
    }

    func testStopRequestSavesACheckpointAtThatStep() throws {
        let journal = MemoryJournal()
        var steps = 0
        let run = ExperimentRunner.run(try setup(), persistence: RunPersistence(journal: journal, checkpointInterval: .infinity),
                                       stopRequested: { steps += 1; return steps == 15 })
        XCTAssertTrue(run.interrupted)
        XCTAssertEqual(run.final.steps, 15)
        XCTAssertEqual(journal.checkpoints.last?.position.step, 15)
        XCTAssertEqual(journal.records.count, 15)
    }
}

/// A safetensors file with one tensor and no GradGuard metadata.
enum SafetensorsFileBytes {
    static var plain: [UInt8] {
        let header = Array(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.utf8) + [0x20, 0x20, 0x20]
        return withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header + [0, 0, 128, 63]
    }
}
