import Foundation
import Monitor
import Training

/// Writes a monitored run's records as TensorBoard scalars and histograms.
///
/// Scalars, at every record: `loss/train_batch`, `learning_rate`, `gradient_norm/total` (before
/// clipping) and per weighted layer (tag suffix `layer_PATH`) each `MonitoredQuantity` with a
/// tag: `backprop_norm/…` ‖∂L/∂a‖ at the layer's output, `weight_norm/…` ‖W‖, `gradient_norm/…`
/// ‖∂L/∂W‖, `update_ratio/…` ‖ΔW‖/‖W‖. With a norm clipping rule, `clipping/scale` (the factor
/// the gradients were multiplied by; 1 = not clipped); once any step was skipped for a
/// non-finite gradient, `clipping/skipped_steps` (the count so far). Per epoch, at its last recorded step: `loss/train_epoch` and, for classification,
/// `accuracy/train`. Once at the end, `loss/test` and `accuracy/test` when given. Histograms, at
/// the records that carry them: `weights/…`, `gradients/…`, `activations/…`. Per validation,
/// at its epoch's last recorded step: `loss/validation`, `accuracy/validation`.
public enum TensorBoardExport {
    /// The tag suffix of a layer: `layer_` and its `state_dict` path.
    public static func layerTag(_ path: String) -> String { "layer_\(path)" }

    /// Writes one event file into `folder` (TensorBoard's run); returns its path.
    @discardableResult
    public static func write(
        records: [StepRecord], history: History, test: (loss: Double, accuracy: Double?)? = nil,
        to folder: String, wallTime: Date = Date()
    ) throws -> String {
        let stream = try TensorBoardStream(folder: folder, wallTime: wallTime)
        try stream.append(records: records[...], history: history)
        try stream.finish(test: test)
        return stream.path
    }
}

/// An event file written as a run goes: records and finished epochs are appended (and
/// flushed) at each checkpoint, the test result at the end. Tags as `TensorBoardExport`.
public final class TensorBoardStream {
    private let writer: EventFileWriter
    private let wallTime: Date?
    private var epochsWritten = 0
    private var lastStepOfEpoch: [Int: Int] = [:]
    private var lastStep: Int?
    private var skippedSteps = 0

    /// The event file's path.
    public var path: String { writer.path }

    /// A new event file in `folder`; `wallTime` fixes every event's time (default: the time of writing).
    public init(folder: String, wallTime: Date? = nil) throws {
        writer = try EventFileWriter(folder: folder, wallTime: wallTime ?? Date())
        self.wallTime = wallTime
    }

    /// Appends `records` and the epoch scalars of the epochs `history` finished since the last call.
    /// For a resumed run, `skipEpochs` is how many epochs an earlier file already holds.
    public func append(records: ArraySlice<StepRecord>, history: History, skipEpochs: Int? = nil) throws {
        if let skipEpochs { epochsWritten = Swift.max(epochsWritten, skipEpochs) }
        let time = wallTime ?? Date()
        for record in records {
            let step = record.step
            lastStepOfEpoch[record.epoch] = step
            lastStep = step
            try writer.scalar("loss/train_batch", record.loss, step: step, wallTime: time)
            try writer.scalar("learning_rate", record.learningRate, step: step, wallTime: time)
            try writer.scalar("gradient_norm/total", record.totalGradNorm, step: step, wallTime: time)
            if let scale = record.clipScale { try writer.scalar("clipping/scale", scale, step: step, wallTime: time) }
            if !record.applied { skippedSteps += 1 }
            if skippedSteps > 0 { try writer.scalar("clipping/skipped_steps", Double(skippedSteps), step: step, wallTime: time) }
            for layer in record.layers {
                let suffix = TensorBoardExport.layerTag(layer.path)
                if layer.weightNorm != nil {
                    for q in MonitoredQuantity.perLayer {
                        guard let tag = q.tensorBoardTag, let v = q.value(layer) else { continue }
                        try writer.scalar("\(tag)/\(suffix)", v, step: step, wallTime: time)
                    }
                }
                if let h = layer.histograms {
                    if let w = h.weights { try writer.histogram("weights/\(suffix)", w, step: step, wallTime: time) }
                    if let g = h.gradients { try writer.histogram("gradients/\(suffix)", g, step: step, wallTime: time) }
                    try writer.histogram("activations/\(suffix)", h.activations, step: step, wallTime: time)
                }
            }
        }
        while epochsWritten < history.epochLosses.count {
            let epoch = epochsWritten
            epochsWritten += 1
            guard let step = lastStepOfEpoch[epoch] else { continue }
            try writer.scalar("loss/train_epoch", history.epochLosses[epoch], step: step, wallTime: time)
            if epoch < history.epochAccuracies.count {
                try writer.scalar("accuracy/train", history.epochAccuracies[epoch], step: step, wallTime: time)
            }
            if let score = history.validation.first(where: { $0.epoch == epoch + 1 }) {
                try writer.scalar("loss/validation", score.loss, step: step, wallTime: time)
                if let accuracy = score.accuracy { try writer.scalar("accuracy/validation", accuracy, step: step, wallTime: time) }
            }
        }
        try writer.flush()
    }

    /// Writes the test result at the last step, and closes the file.
    public func finish(test: (loss: Double, accuracy: Double?)?) throws {
        if let test, let lastStep {
            let time = wallTime ?? Date()
            try writer.scalar("loss/test", test.loss, step: lastStep, wallTime: time)
            if let accuracy = test.accuracy { try writer.scalar("accuracy/test", accuracy, step: lastStep, wallTime: time) }
        }
        try writer.close()
    }
}
