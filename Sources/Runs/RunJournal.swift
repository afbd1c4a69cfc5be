import Foundation
import Monitor
import Training

/// Where a run's progress goes while it trains (a run folder), so that an interruption loses
/// at most the steps since the last checkpoint.
public protocol RunJournal: AnyObject {
    /// Keeps `records` (the monitor records new since the last call, in step order) and then
    /// `checkpoint`, which replaces the previous one; `totalSteps` is the run's length. A journal
    /// that cannot write says so itself and lets training go on.
    func save(records: ArraySlice<StepRecord>, checkpoint: TrainingCheckpoint, totalSteps: Int)
}

/// How a run keeps its progress: the journal, how often it checkpoints, and where a resumed
/// run starts.
public struct RunPersistence {
    public var journal: any RunJournal
    /// Seconds between checkpoints inside an epoch (default 60); every epoch's end is one too.
    public var checkpointInterval: TimeInterval
    /// For a resumed run: the checkpoint's position and the records written before it. The
    /// model and optimizer must already hold the checkpoint's state (`TrainingCheckpoint.restore`).
    public var resume: (position: TrainingPosition, records: [StepRecord])?

    public init(journal: any RunJournal, checkpointInterval: TimeInterval = 60,
                resume: (position: TrainingPosition, records: [StepRecord])? = nil) {
        self.journal = journal
        self.checkpointInterval = checkpointInterval
        self.resume = resume
    }
}
