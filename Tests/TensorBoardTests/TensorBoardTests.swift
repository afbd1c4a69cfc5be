import Foundation
import Monitor
import SwiftProtobuf
import TensorBoard
import TensorCore
import TestSupport
import Training
import XCTest

final class CRC32CTests: XCTestCase {
    func testKnownCheckValues() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)  // the CRC-32C check value
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)  // RFC 3720 B.4
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xff, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum([UInt8](0..<32)), 0x46DD_794E)
    }

    func testFrameLayout() {
        let payload = Data("hello".utf8)
        let framed = TFRecordWriter.frame(payload)
        XCTAssertEqual(framed.count, 8 + 4 + 5 + 4)
        XCTAssertEqual(Array(framed.prefix(8)), [5, 0, 0, 0, 0, 0, 0, 0])
        let crc = CRC32C.checksum(Array(framed.prefix(8)))
        let masked = ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
        XCTAssertEqual(framed[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }, masked)
        XCTAssertEqual(Data(framed[12..<17]), payload)
    }
}

final class TensorBoardExportTests: XCTestCase {
    /// Two recorded steps of a two-layer model; step 0 carries histograms.
    static func records() -> [StepRecord] {
        func layer(_ path: String, _ scale: Double, histograms: Bool) -> LayerRecord {
            var r = LayerRecord(path: path, kind: "Linear(3 → 3)", activationMean: 0.1, activationStd: 1)
            r.weightNorm = 2 * scale
            r.gradNorm = 0.5 * scale
            r.outputGradNorm = 0.25 * scale
            r.updateRatio = 1e-3 * scale
            if histograms {
                r.histograms = LayerHistograms(
                    weights: Histogram(Tensor<Float>([-1, 0, 0.5, 2] .map { $0 * Float(scale) }), bins: 4),
                    gradients: Histogram(Tensor<Float>([0.1, 0.2, 0.2]), bins: 2),
                    activations: Histogram(Tensor<Float>([1, 1, 1])))
            }
            return r
        }
        return [
            StepRecord(step: 0, epoch: 0, loss: 2.5, learningRate: 0.1, totalGradNorm: 3, applied: true, clipScale: 0.5,
                       layers: [layer("0", 1, histograms: true), layer("2", 3, histograms: true)]),
            StepRecord(step: 5, epoch: 0, loss: 1.25, learningRate: 0.05, totalGradNorm: 1.5, applied: false, clipScale: 1,
                       layers: [layer("0", 0.5, histograms: false), layer("2", 0.25, histograms: false)]),
        ]
    }

    /// What TensorBoard should read back: tag → [(step, value)].
    static func expectedScalars(_ records: [StepRecord]) -> [String: [[Double]]] {
        var out: [String: [[Double]]] = [:]
        func add(_ tag: String, _ step: Int, _ value: Double?) {
            if let value { out[tag, default: []].append([Double(step), Double(Float(value))]) }
        }
        for r in records {
            add("loss/train_batch", r.step, r.loss)
            add("learning_rate", r.step, r.learningRate)
            add("gradient_norm/total", r.step, r.totalGradNorm)
            add("clipping/scale", r.step, r.clipScale)
            add("clipping/skipped_steps", r.step, r.applied ? nil : 1)
            for l in r.layers {
                add("weight_norm/layer_\(l.path)", r.step, l.weightNorm)
                add("gradient_norm/layer_\(l.path)", r.step, l.gradNorm)
                add("backprop_norm/layer_\(l.path)", r.step, l.outputGradNorm)
                add("update_ratio/layer_\(l.path)", r.step, l.updateRatio)
            }
        }
        return out
    }

    func testEventFileParsesBackWithSwiftProtobuf() throws {
        let folder = try ExternalTool.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try TensorBoardExport.write(records: Self.records(), history: History(), to: folder)
        XCTAssertTrue(URL(fileURLWithPath: path).lastPathComponent.hasPrefix("events.out.tfevents."))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))[...]
        var events: [Tensorboard_Event] = []
        while !bytes.isEmpty {
            let length = Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            let header = Array(bytes.prefix(8)), crc = Array(bytes.dropFirst(8).prefix(4))
            XCTAssertEqual(crc, withUnsafeBytes(of: CRC32C.masked(header).littleEndian) { Array($0) })
            let data = bytes.dropFirst(12).prefix(length)
            let dataCRC = Array(bytes.dropFirst(12 + length).prefix(4))
            XCTAssertEqual(dataCRC, withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { Array($0) })
            events.append(try Tensorboard_Event(serializedBytes: Data(data)))
            bytes = bytes.dropFirst(16 + length)
        }
        XCTAssertEqual(events.first?.fileVersion, "brain.Event:2")
        let scalarCount = Self.expectedScalars(Self.records()).values.reduce(0) { $0 + $1.count }
        XCTAssertEqual(events.count, 1 + scalarCount + 6, "version + scalars + 3 histograms × 2 layers")
    }

    /// TensorBoard's own reader (EventAccumulator) finds every tag with equal values.
    func testTensorBoardReadsEveryScalarAndHistogram() throws {
        guard let python = ExternalTool.python(with: ["tensorboard"]) else {
            throw XCTSkip("python3 with tensorboard not found (pip install tensorboard): TensorBoard's reader not checked")
        }
        let folder = try ExternalTool.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let records = Self.records()
        let history = History(stepLosses: [2.5, 1, 1, 1, 1, 1.25], epochLosses: [1.75], epochAccuracies: [0.625], learningRates: [0.1],
                              validation: [ValidationScore(epoch: 1, loss: 1.875, accuracy: 0.75)])
        try TensorBoardExport.write(records: records, history: history, test: (loss: 1.5, accuracy: 0.5), to: folder)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("read_events.py").path
        let result = try ExternalTool.run(python, [script, folder])
        XCTAssertEqual(result.status, 0, result.output)
        guard let json = result.output.split(separator: "\n").last,
              let read = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let hexScalars = read["scalars"] as? [String: [[String]]], let histograms = read["histograms"] as? [String: [[String: Any]]]
        else { return XCTFail("unreadable output: \(result.output)") }
        let scalars = hexScalars.mapValues { $0.map { $0.map { Double($0)! } } }
        func number(_ any: Any?) -> Double? { (any as? String).flatMap(Double.init) }
        func numbers(_ any: Any?) -> [Double]? { (any as? [String])?.compactMap(Double.init) }

        var expected = Self.expectedScalars(records)
        expected["loss/train_epoch"] = [[5, 1.75]]
        expected["accuracy/train"] = [[5, 0.625]]
        expected["loss/validation"] = [[5, 1.875]]
        expected["accuracy/validation"] = [[5, 0.75]]
        expected["loss/test"] = [[5, 1.5]]
        expected["accuracy/test"] = [[5, 0.5]]
        XCTAssertEqual(Set(scalars.keys), Set(expected.keys))
        for (tag, values) in expected { XCTAssertEqual(scalars[tag], values, tag) }

        XCTAssertEqual(Set(histograms.keys), ["weights/layer_0", "weights/layer_2", "gradients/layer_0", "gradients/layer_2",
                                              "activations/layer_0", "activations/layer_2"])
        for layer in records[0].layers {
            let h = layer.histograms!
            for (name, histogram) in [("weights", h.weights!), ("gradients", h.gradients!), ("activations", h.activations)] {
                let tag = "\(name)/layer_\(layer.path)"
                guard let events = histograms[tag], events.count == 1 else { XCTFail("\(tag): one event expected"); continue }
                let e = events[0]
                XCTAssertEqual(number(e["step"]), 0, tag)
                XCTAssertEqual(number(e["min"]), histogram.min, tag)
                XCTAssertEqual(number(e["max"]), histogram.max, tag)
                XCTAssertEqual(number(e["num"]), Double(histogram.count), tag)
                XCTAssertEqual(number(e["sum"]), histogram.sum, tag)
                XCTAssertEqual(number(e["sum_squares"]), histogram.sumSquares, tag)
                XCTAssertEqual(numbers(e["bucket_limit"]), Array(histogram.edges.dropFirst()), tag)
                XCTAssertEqual(numbers(e["bucket"]), histogram.counts.map(Double.init), tag)
            }
        }
    }
}
