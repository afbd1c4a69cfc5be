import Foundation
import ReferenceCases
import TensorCore
import XCTest

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func caseNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: fixtures.path)
        .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
}

final class ReferenceParityTests: XCTestCase {
    func assertParity<S: TensorScalar>(_ type: S.Type) throws {
        let names = try caseNames()
        XCTAssertEqual(names.count, 31, "every shipped case, recurrent ones included")
        for name in names {
            let reference = try ReferenceCase.load(from: fixtures.appendingPathComponent(name + ".json"))
            let fields = reference.compare(try reference.run(as: S.self))
            XCTAssertEqual(fields.count, 2 + reference.expected.grads.count + reference.expected.paramsAfter.count
                           + (reference.expected.totalNorm == nil ? 0 : 1), name)
            for field in fields {
                XCTAssertTrue(field.passed, "\(name) [\(S.self)]: \(field.field) off by \(field.worstRatio)× its tolerance")
            }
        }
    }

    func testEveryStepMatchesPyTorchInDouble() throws { try assertParity(Double.self) }

    func testEveryStepMatchesPyTorchInFloat() throws { try assertParity(Float.self) }

    func testUnknownLayerIsReportedNotCrashed() throws {
        var json = try String(contentsOf: fixtures.appendingPathComponent("recurrent_gru.json"), encoding: .utf8)
        json = json.replacingOccurrences(of: #""type":"gru""#, with: #""type":"conv1d""#)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gg-\(UUID().uuidString).json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        let reference = try ReferenceCase.load(from: url)
        XCTAssertThrowsError(try reference.run(as: Float.self)) { XCTAssertEqual("\($0)", "unsupported: conv1d") }
    }

    func testComparisonCatchesAWrongGradientAndAWrongUpdate() throws {
        let reference = try ReferenceCase.load(from: fixtures.appendingPathComponent("optim_adamw.json"))
        var result: RunResult<Double> = try reference.run()
        let good = result
        result.grads["0.weight"] = result.grads["0.weight"]! * 1.001
        XCTAssertEqual(reference.compare(result).first?.field, "grads.0.weight")
        XCTAssertFalse(reference.compare(result).first!.passed)
        result = good
        result.paramsAfter["2.bias"] = result.paramsAfter["2.bias"]! + 1e-3
        XCTAssertEqual(reference.compare(result).first?.field, "params_after.2.bias")
        XCTAssertFalse(reference.compare(result).first!.passed)
        // Four steps instead of five must fail: the comparison sees the optimizer's trajectory.
        let short: RunResult<Double> = try reference.run(steps: 4)
        XCTAssertFalse(reference.compare(short).first!.passed)
    }
}

final class ReferenceCaseErrorTests: XCTestCase {
    func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gg-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testMissingFieldIsNamedWithTheFile() throws {
        let url = try write(#"{"format": 1, "name": "x", "model": []}"#)
        XCTAssertThrowsError(try ReferenceCase.load(from: url)) { error in
            XCTAssertEqual("\(error)", "\(url.lastPathComponent): params: missing")
        }
    }

    func testWrongTypeIsNamedWithItsPath() throws {
        var json = try String(contentsOf: fixtures.appendingPathComponent("act_relu_sgd.json"), encoding: .utf8)
        json = json.replacingOccurrences(of: #""in":5"#, with: #""in":"five""#)
        let url = try write(json)
        XCTAssertThrowsError(try ReferenceCase.load(from: url)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(url.lastPathComponent): model[0].in: expected Int"), "\(error)")
        }
    }

    func testMissingFileAndBadJSON() throws {
        XCTAssertThrowsError(try ReferenceCase.load(from: URL(fileURLWithPath: "/nonexistent/case.json"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/case.json: cannot read"), "\(error)")
        }
        XCTAssertThrowsError(try ReferenceCase.load(from: try write("{not json"))) { error in
            XCTAssertTrue("\(error)".contains("line 1, column 2: expected a key in double quotes"), "\(error)")
        }
    }

    /// A case file is trusted with nothing: counts, shapes and targets are checked before running.
    func testHostileCaseFilesAreErrorsNotTraps() throws {
        let good = try String(contentsOf: fixtures.appendingPathComponent("act_relu_sgd.json"), encoding: .utf8)
        func assertLoadError(_ from: String, _ to: String, _ expected: String, line: UInt = #line) throws {
            XCTAssertTrue(good.contains(from), "fixture lacks \(from)", line: line)
            let url = try write(good.replacingOccurrences(of: from, with: to))
            XCTAssertThrowsError(try ReferenceCase.load(from: url), line: line) { XCTAssertTrue("\($0)".contains(expected), "\($0)", line: line) }
        }
        try assertLoadError(#""steps":"#, #""steps":-1,"old_steps":"#, "steps: expected an integer in 0...100000, got -1")
        try assertLoadError(#""loss":["#, #""loss":[],"old_loss":["#, "expected.loss: expected at least one loss")
        try assertLoadError(#""in":5"#, #""in":4611686018427387904"#, "model: more than 2⁶³ parameters")
        try assertLoadError(#""output":{"shape":["#, #""output":{"shape":[99,"#, "expected.output: shape [99,")
        // A target that does not fit the output is found before the loss is taken.
        let reference = try ReferenceCase.load(from: try write(good))
        let reshaped = good.replacingOccurrences(of: "\"target\":{\"shape\":[", with: "\"target\":{\"shape\":[1,")
        let wrongTarget = try write(reshaped)
        let bad = try ReferenceCase.load(from: wrongTarget)
        XCTAssertThrowsError(try bad.run(as: Float.self)) { XCTAssertTrue("\($0)".hasPrefix("target: "), "\($0)") }
        XCTAssertNoThrow(try reference.run(as: Float.self))
    }

    func testDataShapeMismatch() throws {
        let bad = TensorData(shape: [2, 3], data: [1, 2])
        XCTAssertThrowsError(try bad.tensor(field: "input") as Tensor<Float>) { error in
            XCTAssertEqual("\(error)", "input: shape [2, 3] needs 6 values, data has 2")
        }
    }
}

final class SpecErrorTests: XCTestCase {
    func loadWith(optimizer: String? = nil, clip: String? = nil) throws -> URL {
        var json = try String(contentsOf: fixtures.appendingPathComponent("clip_norm2.json"), encoding: .utf8)
        if let optimizer { json = json.replacingOccurrences(of: #""optimizer":{"type":"sgd","lr":0.1}"#, with: #""optimizer":"# + optimizer) }
        if let clip { json = json.replacingOccurrences(of: #""clip":{"type":"norm","max_norm":0.5}"#, with: #""clip":"# + clip) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gg-\(UUID().uuidString).json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testUnknownOptimizerKeyIsNamed() throws {
        let url = try loadWith(optimizer: #"{"type":"sgd","lr":0.1,"betas":[0.9,0.99]}"#)
        XCTAssertThrowsError(try ReferenceCase.load(from: url)) { error in
            XCTAssertTrue("\(error)".contains("optimizer.betas: not valid JSON (unknown key for sgd"), "\(error)")
        }
    }

    func testBadHyperparameterIsNamedAtRunTime() throws {
        let reference = try ReferenceCase.load(from: try loadWith(optimizer: #"{"type":"adam","betas":[1.2,0.99]}"#))
        XCTAssertThrowsError(try reference.run(as: Float.self)) { error in
            XCTAssertEqual("\(error)", "optimizer/clip: adam: betas[0] must be in [0, 1), got 1.2")
        }
        let clip = try ReferenceCase.load(from: try loadWith(clip: #"{"type":"norm","max_norm":0}"#))
        XCTAssertThrowsError(try clip.run(as: Float.self)) { error in
            XCTAssertEqual("\(error)", "optimizer/clip: clip: max_norm must be a finite number > 0, got 0.0")
        }
    }

    func testUnknownClipTypeAndPolicy() throws {
        XCTAssertThrowsError(try ReferenceCase.load(from: try loadWith(clip: #"{"type":"norm","max_norm":1,"norm_type":3}"#))) {
            XCTAssertTrue("\($0)".contains("clip.norm_type"), "\($0)")
        }
        XCTAssertThrowsError(try ReferenceCase.load(from: try loadWith(clip: #"{"type":"value","clip_value":1,"non_finite":"ignore"}"#))) {
            XCTAssertTrue("\($0)".contains("clip.non_finite"), "\($0)")
        }
    }
}
