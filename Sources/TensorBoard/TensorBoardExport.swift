import Foundation
import Monitor
import Training

/// Writes a monitored run's records as TensorBoard scalars and histograms.
///
/// Scalars, at every record: `loss/train_batch`, `learning_rate`, `gradient_norm/total` (before
/// clipping) and per weighted layer (tag suffix `layer_PATH`) each `MonitoredQuantity` with a
/// tag: `backprop_norm/…` ‖∂L/∂a‖ at the layer's output, `weight_norm/…` ‖W‖, `gradient_norm/…`
/// ‖∂L/∂W‖, `update_ratio/…` ‖ΔW‖/‖W‖. Per epoch, at its last recorded step: `loss/train_epoch` and, for classification,
/// `accuracy/train`. Once at the end, `loss/test` and `accuracy/test` when given. Histograms, at
/// the records that carry them: `weights/…`, `gradients/…`, `activations/…`.
public enum TensorBoardExport {
    /// The tag suffix of a layer: `layer_` and its `state_dict` path.
    public static func layerTag(_ path: String) -> String { "layer_\(path)" }

    /// Writes one event file into `folder` (TensorBoard's run); returns its path.
    @discardableResult
    public static func write(
        records: [StepRecord], history: History, test: (loss: Double, accuracy: Double?)? = nil,
        to folder: String, wallTime: Date = Date()
    ) throws -> String {
        let writer = try EventFileWriter(folder: folder, wallTime: wallTime)
        for record in records {
            let step = record.step
            try writer.scalar("loss/train_batch", record.loss, step: step, wallTime: wallTime)
            try writer.scalar("learning_rate", record.learningRate, step: step, wallTime: wallTime)
            try writer.scalar("gradient_norm/total", record.totalGradNorm, step: step, wallTime: wallTime)
            for layer in record.layers {
                let suffix = layerTag(layer.path)
                if layer.weightNorm != nil {
                    for q in MonitoredQuantity.perLayer {
                        guard let tag = q.tensorBoardTag, let v = q.value(layer) else { continue }
                        try writer.scalar("\(tag)/\(suffix)", v, step: step, wallTime: wallTime)
                    }
                }
                if let h = layer.histograms {
                    if let w = h.weights { try writer.histogram("weights/\(suffix)", w, step: step, wallTime: wallTime) }
                    if let g = h.gradients { try writer.histogram("gradients/\(suffix)", g, step: step, wallTime: wallTime) }
                    try writer.histogram("activations/\(suffix)", h.activations, step: step, wallTime: wallTime)
                }
            }
        }
        for (epoch, loss) in history.epochLosses.enumerated() {
            guard let step = records.last(where: { $0.epoch == epoch })?.step else { continue }
            try writer.scalar("loss/train_epoch", loss, step: step, wallTime: wallTime)
            if epoch < history.epochAccuracies.count {
                try writer.scalar("accuracy/train", history.epochAccuracies[epoch], step: step, wallTime: wallTime)
            }
        }
        if let test, let last = records.last?.step {
            try writer.scalar("loss/test", test.loss, step: last, wallTime: wallTime)
            if let accuracy = test.accuracy { try writer.scalar("accuracy/test", accuracy, step: last, wallTime: wallTime) }
        }
        try writer.close()
        return writer.path
    }
}
