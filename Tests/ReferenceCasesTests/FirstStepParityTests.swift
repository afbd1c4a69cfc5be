import Foundation
import ReferenceCases
import TensorCore
import XCTest

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// The cases that use only the core layers (issue 2): activations, losses, deep sigmoid, seed 001.
func coreCaseNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: fixtures.path)
        .filter { $0.hasSuffix(".json") }
        .map { String($0.dropLast(5)) }
        .filter { $0.hasPrefix("act_") || $0.hasPrefix("loss_") || $0 == "deep_sigmoid_vanishing" || $0 == "seed001_adam_clipnorm" }
        .sorted()
}

final class FirstStepParityTests: XCTestCase {
    func assertParity<S: TensorScalar>(_ type: S.Type) throws {
        let names = try coreCaseNames()
        XCTAssertEqual(names.count, 13, "9 activations, 2 losses, deep sigmoid, seed 001")
        for name in names {
            let reference = try ReferenceCase.load(from: fixtures.appendingPathComponent(name + ".json"))
            let result = try reference.firstStep(as: S.self)
            let fields = reference.compareFirstStep(result)
            XCTAssertEqual(fields.count, 2 + reference.expected.grads.count, name)
            for field in fields {
                XCTAssertTrue(field.passed, "\(name) [\(S.self)]: \(field.field) off by \(field.worstRatio)× its tolerance")
            }
        }
    }

    func testStepZeroMatchesPyTorchInDouble() throws { try assertParity(Double.self) }

    func testStepZeroMatchesPyTorchInFloat() throws { try assertParity(Float.self) }

    func testComparisonCatchesAWrongGradient() throws {
        let reference = try ReferenceCase.load(from: fixtures.appendingPathComponent("act_tanh_sgd.json"))
        let result: StepResult<Double> = try reference.firstStep()
        var grads = result.grads
        grads["0.weight"] = grads["0.weight"]! * 1.001
        let fields = reference.compareFirstStep(StepResult(output: result.output, loss: result.loss, grads: grads))
        XCTAssertEqual(fields.first?.field, "grads.0.weight")
        XCTAssertFalse(fields.first!.passed)
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
            XCTAssertTrue("\(error)".contains("not valid JSON"), "\(error)")
        }
    }

    func testDataShapeMismatchAndUnsupportedLayer() throws {
        let bad = TensorData(shape: [2, 3], data: [1, 2])
        XCTAssertThrowsError(try bad.tensor(field: "input") as Tensor<Float>) { error in
            XCTAssertEqual("\(error)", "input: shape [2, 3] needs 6 values, data has 2")
        }
        let batchnorm = try ReferenceCase.load(from: fixtures.appendingPathComponent("batchnorm_train.json"))
        XCTAssertThrowsError(try batchnorm.firstStep(as: Float.self)) { error in
            XCTAssertEqual("\(error)", "unsupported: batchnorm1d")
        }
    }
}
