import Foundation
import Monitor
import SwiftProtobuf

/// Writes a TensorBoard event file, `events.out.tfevents.TIME.HOST`, into a folder (one folder
/// is one "run" in TensorBoard): the `brain.Event:2` version event, then one event per scalar
/// or histogram, as `tf.summary` and PyTorch's `SummaryWriter` write them.
public final class EventFileWriter {
    /// The event file's path.
    public var path: String { records.path }
    private let records: TFRecordWriter

    /// Creates `folder` if needed and a new event file in it.
    public init(folder: String, wallTime: Date = Date()) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let host = ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName
        let name = "events.out.tfevents.\(Int(wallTime.timeIntervalSince1970)).\(host)"
        var path = URL(fileURLWithPath: folder).appendingPathComponent(name).path, n = 1
        while FileManager.default.fileExists(atPath: path) {  // a resumed run in the same second keeps the first file
            path = URL(fileURLWithPath: folder).appendingPathComponent("\(name).\(n)").path
            n += 1
        }
        records = try TFRecordWriter(path: path)
        var version = Tensorboard_Event()
        version.wallTime = wallTime.timeIntervalSince1970
        version.fileVersion = "brain.Event:2"
        try write(version)
    }

    /// A scalar (TensorBoard's Scalars tab) at `step`; stored as float32, as TensorBoard does.
    public func scalar(_ tag: String, _ value: Double, step: Int, wallTime: Date = Date()) throws {
        var entry = Tensorboard_Summary.Value()
        entry.tag = tag
        entry.simpleValue = Float(value)
        try summary(entry, step: step, wallTime: wallTime)
    }

    /// A histogram (the Histograms and Distributions tabs) at `step`.
    public func histogram(_ tag: String, _ histogram: Histogram, step: Int, wallTime: Date = Date()) throws {
        var proto = Tensorboard_HistogramProto()
        proto.min = histogram.min
        proto.max = histogram.max
        proto.num = Double(histogram.count)
        proto.sum = histogram.sum
        proto.sumSquares = histogram.sumSquares
        proto.bucketLimit = Array(histogram.edges.dropFirst())
        proto.bucket = histogram.counts.map(Double.init)
        var entry = Tensorboard_Summary.Value()
        entry.tag = tag
        entry.histo = proto
        try summary(entry, step: step, wallTime: wallTime)
    }

    /// Flushes what was written to disk (TensorBoard then shows it).
    public func flush() throws { try records.flush() }

    /// Flushes and closes the file.
    public func close() throws { try records.close() }

    private func summary(_ value: Tensorboard_Summary.Value, step: Int, wallTime: Date) throws {
        var event = Tensorboard_Event()
        event.wallTime = wallTime.timeIntervalSince1970
        event.step = Int64(step)
        event.summary = Tensorboard_Summary.with { $0.value = [value] }
        try write(event)
    }

    private func write(_ event: Tensorboard_Event) throws {
        try records.write(try event.serializedData())
    }
}
