import Foundation
import Layers
import TensorCore
import XCTest
@testable import Experiments

final class ExperimentSetupTests: XCTestCase {
    func setup(_ json: String) throws -> ExperimentSetup<Float> {
        try ExperimentSetup(Experiment.parse(Data(json.utf8), file: "e.json"))
    }

    func testDigitsSplitAndInitBiasesAtZero() throws {
        let s = try setup(#"{"data": {"kind": "digits"}, "model": [{"type": "mlp", "sizes": [64, 16, 10], "init": "xavier_normal"}]}"#)
        XCTAssertEqual(s.data.test?.count, 359)
        XCTAssertEqual(s.data.classes, 10)
        XCTAssertEqual(s.loss, .crossEntropy)
        let named = Dictionary(uniqueKeysWithValues: s.model.namedParameters().map { ($0.name, $0.variable.value) })
        XCTAssertTrue(named["0.bias"]!.scalars.allSatisfy { $0 == 0 })
        XCTAssertFalse(named["0.weight"]!.scalars.allSatisfy { $0 == 0 })
        XCTAssertEqual(s.totalSteps, 10 * 45)
    }

    func testPytorchDefaultKeepsRandomBiases() throws {
        let s = try setup(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}]}"#)
        XCTAssertFalse(s.model.namedParameters()[1].variable.value.scalars.allSatisfy { $0 == 0 })
    }

    func testSameSeedSameData() throws {
        let json = #"{"seed": 3, "data": {"kind": "spirals", "samples": 90}, "model": [{"type": "mlp", "sizes": [2, 8, 3]}]}"#
        let a = try setup(json), b = try setup(json)
        XCTAssertEqual(a.data.test?.inputs, b.data.test?.inputs)
        XCTAssertEqual(a.model.namedParameters()[0].variable.value, b.model.namedParameters()[0].variable.value)
    }

    func testStepsAndMismatchErrors() throws {
        let s = try setup(#"{"data": {"kind": "adding", "length": 10, "samples": 100}, "model": [{"type": "lstm", "input": 2, "hidden": 8}, {"type": "linear", "in": 8, "out": 1}], "steps": 7, "batch_size": 16}"#)
        XCTAssertEqual(s.loss, .mse)
        XCTAssertEqual(s.totalSteps, 7)
        XCTAssertEqual(s.epochs, 2)
        XCTAssertThrowsError(try setup(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 32, "out": 10}]}"#)) {
            XCTAssertTrue("\($0)".hasPrefix("e.json: model: does not fit the data"), "\($0)")
        }
        XCTAssertThrowsError(try setup(#"{"data": {"kind": "teacher"}, "model": [{"type": "linear", "in": 16, "out": 1}], "loss": "cross_entropy"}"#)) {
            XCTAssertTrue("\($0)".contains("loss: cross_entropy needs class labels"), "\($0)")
        }
        XCTAssertThrowsError(try setup(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 7}]}"#)) {
            XCTAssertTrue("\($0)".contains("10 classes"), "\($0)")
        }
        XCTAssertThrowsError(try setup(#"{"data": {"kind": "csv", "path": "missing.csv", "target": "y"}, "model": [{"type": "linear", "in": 64, "out": 7}]}"#)) {
            XCTAssertTrue("\($0)".contains("e.json: data.path:") && "\($0)".contains("missing.csv: no such file"), "\($0)")
        }
        XCTAssertThrowsError(try setup(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}], "optimizer": {"type": "sgd", "lr": -1}}"#)) {
            XCTAssertTrue("\($0)".contains("e.json: optimizer:"), "\($0)")
        }
    }

    func testBinaryClassificationWithBCE() throws {
        let s = try setup(#"{"data": {"kind": "spirals", "classes": 2, "samples": 100}, "model": [{"type": "mlp", "sizes": [2, 8, 1]}], "loss": "bce_with_logits"}"#)
        XCTAssertEqual(s.data.test?.targets.shape, [20, 1])
    }
}

/// Data that cannot teach anything is an error, not a silent "accuracy 100 %".
final class UnlearnableDataTests: XCTestCase {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gg-unlearnable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func load(_ csv: String, task: String) throws -> ExperimentSetup<Float> {
        let dir = try folder()
        try Data(csv.utf8).write(to: dir.appendingPathComponent("d.csv"))
        let json = #"{"data": {"kind": "csv", "path": "d.csv", "target": "y", "task": "\#(task)"}, "model": [{"type": "linear", "in": 2, "out": 1}], "loss": "mse"}"#
        return try ExperimentSetup(try Experiment.parse(Data(json.utf8), file: "e.json", folder: dir.path))
    }

    func testOneClassAndConstantTargetAreErrors() throws {
        let rows = (0..<10).map { "\($0),\($0 * 2)," }
        XCTAssertThrowsError(try load("a,b,y\n" + rows.map { $0 + "cat" }.joined(separator: "\n"), task: "classification")) {
            XCTAssertEqual("\($0)", "e.json: data.target: every sample has the same class (0): there is nothing to learn")
        }
        XCTAssertThrowsError(try load("a,b,y\n" + rows.map { $0 + "3.5" }.joined(separator: "\n"), task: "regression")) {
            XCTAssertEqual("\($0)", "e.json: data.target: the target is constant (every value is 3.5): there is nothing to learn")
        }
        XCTAssertNoThrow(try load("a,b,y\n" + rows.enumerated().map { $1 + "\($0)" }.joined(separator: "\n"), task: "regression"))
    }
}

/// A class label far beyond any class count is an error naming the key, not a trap or a model
/// with 2⁶³ outputs.
final class HugeLabelTests: XCTestCase {
    func npy(_ descr: String, _ shape: String, _ payload: [UInt8]) -> Data {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let n = header.utf8.count
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(header.utf8) + payload)
    }

    func testLabelOfTwoToTheSixtyThreeIsAnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gg-labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = (0..<4).flatMap { i in withUnsafeBytes(of: Float(i).bitPattern.littleEndian) { Array($0) } }
        try npy("<f4", "(4, 1)", x).write(to: dir.appendingPathComponent("x.npy"))
        let labels: [Int64] = [0, 1, Int64.max, 1]
        try npy("<i8", "(4,)", labels.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }).write(to: dir.appendingPathComponent("y.npy"))
        let json = #"{"data": {"kind": "npy", "x": "x.npy", "y": "y.npy"}, "model": [{"type": "linear", "in": 1, "out": 2}]}"#
        XCTAssertThrowsError(try ExperimentSetup<Float>(try Experiment.parse(Data(json.utf8), file: "e.json", folder: dir.path))) {
            XCTAssertTrue("\($0)".hasPrefix("e.json: data.y: class index 9.223372036854776e+18 is beyond the limit of 100000 classes"), "\($0)")
        }
    }
}
