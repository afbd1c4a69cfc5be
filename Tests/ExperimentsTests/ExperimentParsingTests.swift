import Vocabulary
import Foundation
import Layers
import XCTest
@testable import Experiments

final class ExperimentParsingTests: XCTestCase {
    func parse(_ json: String) throws -> Experiment {
        try Experiment.parse(Data(json.utf8), file: "experiment.json")
    }

    func assertError(_ json: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(json), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(expected), "got: \(error)", file: file, line: line)
        }
    }

    let specExample = """
    {"name": "deep-sigmoid", "seed": 7, "data": {"kind": "digits"},
     "model": [{"type": "mlp", "sizes": [64, 64, 64, 10], "activation": "sigmoid", "init": {"type": "normal", "std": 0.05}}],
     "loss": "cross_entropy", "optimizer": {"type": "sgd", "lr": 0.1}, "clip": null, "batch_size": 32, "epochs": 10}
    """

    func testSpecExampleExpandsTheMLP() throws {
        let e = try parse(specExample)
        XCTAssertEqual(e.name, "deep-sigmoid")
        XCTAssertEqual(e.seed, 7)
        XCTAssertEqual(e.layers, [
            .linear(inFeatures: 64, outFeatures: 64, bias: true, init: .weights(.normal(mean: 0, std: 0.05))), .plain(.activation(.sigmoid)),
            .linear(inFeatures: 64, outFeatures: 64, bias: true, init: .weights(.normal(mean: 0, std: 0.05))), .plain(.activation(.sigmoid)),
            .linear(inFeatures: 64, outFeatures: 10, bias: true, init: .weights(.normal(mean: 0, std: 0.05))),
        ])
        XCTAssertEqual(e.length, .epochs(10))
        XCTAssertNil(e.clip)
    }

    func testMLPBatchNormResidualDropout() throws {
        let e = try parse("""
        {"data": {"kind": "digits"}, "steps": 5,
         "model": [{"type": "mlp", "sizes": [64, 32, 32, 10], "activation": "relu", "init": "kaiming_normal",
                    "batchnorm": true, "residual": true, "dropout": 0.1}]}
        """)
        XCTAssertEqual(e.length, .steps(5))
        XCTAssertEqual(e.layers.count, 4 + 1 + 1) // first block (4 layers), residual block, last linear
        guard case .residual(let body) = e.layers[4] else { return XCTFail("expected a residual block, got \(e.layers[4])") }
        XCTAssertEqual(body.count, 4)
        XCTAssertEqual(body[1], .plain(.batchNorm1d(features: 32, epsilon: 1e-5, momentum: 0.1)))
        XCTAssertEqual(e.layers.filter(\.isLinear).count, 2, "top level only")
        XCTAssertEqual(e.layers.reduce(0) { $0 + $1.linearCount }, 3, "the residual block's Linear counts too")
    }

    func testErrorsNameFileAndKey() {
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}, {"type": "relu"}, {"type": "linear", "in": 10, "out": -3}]}"#,
                    "experiment.json: model[2].out: expected a positive integer, got -3")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}], "epochz": 3}"#,
                    "experiment.json: epochz: unknown key")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10, "init": "kaiming"}]}"#,
                    "model[0].init: unknown init \"kaiming\"")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": "64", "out": 10}]}"#,
                    "model[0].in: expected an integer")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}], "batch_size": 0}"#,
                    "batch_size: expected a positive integer, got 0")
        assertError(#"{"data": {"kind": "mnist"}, "model": [{"type": "linear", "in": 64, "out": 10}]}"#,
                    "data.kind: unknown data kind \"mnist\"")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "mlp", "sizes": [64, 0, 10]}]}"#,
                    "model[0].sizes: expected positive integers, got 0 at position 1")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}], "optimizer": {"type": "sgd", "betas": [0.9, 0.9]}}"#,
                    "optimizer.betas: unknown key")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}], "clip": {"type": "norm", "max_norm": 1, "non_finite": "ignore"}}"#,
                    "clip.non_finite: unknown non_finite policy \"ignore\" (known: error, skip, propagate)")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10},"#, "line 1, column 80 (model[1]): the document ends early")
        assertError(#"{"model": [{"type": "linear", "in": 64, "out": 10}]}"#, "data: missing")
    }

    func testMissingFileIsAnError() {
        XCTAssertThrowsError(try Experiment.load(path: "/nonexistent/exp.json")) {
            XCTAssertEqual("\($0)", "/nonexistent/exp.json: no such file")
        }
    }

    func testInitNamesAndObjects() throws {
        for (json, expected) in [
            (#""xavier_uniform""#, WeightInit.weights(.xavierUniform())),
            (#""default""#, .pytorchDefault),
            (#""lecun_uniform""#, .weights(.lecunUniform)),
            (#"{"type": "lecun_uniform"}"#, .weights(.lecunUniform)),
            (#"{"type": "constant", "value": 0.5}"#, .weights(.constant(0.5))),
            (#"{"type": "kaiming_normal", "mode": "fan_out", "nonlinearity": "relu"}"#, .weights(.kaimingNormal(mode: .fanOut, nonlinearity: .relu))),
            (#"{"type": "orthogonal", "gain": 2}"#, .weights(.orthogonal(gain: 2))),
            (#"{"type": "uniform", "low": -1, "high": 1}"#, .weights(.uniform(low: -1, high: 1))),
        ] {
            let e = try parse(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10, "init": \#(json)}]}"#)
            XCTAssertEqual(e.layers, [.linear(inFeatures: 64, outFeatures: 10, bias: true, init: expected)], json)
        }
    }
}

/// Every class of bad experiment file names the file, the key and, for syntax, the line and column.
final class ExperimentBadInputTests: XCTestCase {
    let tail = #""data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}]"#

    func assertError(_ json: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Experiment.parse(Data(json.utf8), file: "e.json"), file: file, line: line) { error in
            XCTAssertTrue("\(error)".hasPrefix("e.json: "), "\(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains(expected), "got: \(error)", file: file, line: line)
        }
    }

    func testNumberTypesNameTheKey() {
        assertError("{\"seed\": 1.5, \(tail)}", "e.json: seed: expected an integer, got 1.5")
        assertError("{\"steps\": 2.5, \(tail)}", "steps: expected an integer, got 2.5")
        assertError("{\"seed\": 1e30, \(tail)}", "seed: expected an integer, got 1e+30")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "mlp", "sizes": [64, 8.5, 10]}]}"#, "model[0].sizes: expected an integer at position 1, got 8.5")
        assertError("{\"l2\": 1e400, \(tail)}", "line 1, column 8 (l2): 1e400 is beyond the range of a number")
        assertError("{\"l2\": NaN, \(tail)}", "(l2): NaN is not a JSON number")
        assertError("{\"seed\": \"7\", \(tail)}", "seed: expected an integer")
    }

    func testSyntaxDuplicatesAndEncoding() {
        assertError("{\"batch_size\": 16, \"batch_size\": -5, \(tail)}", "line 1, column 20: key \"batch_size\" appears twice")
        assertError("{\"seed\": 1,\n \(tail)", "line 2, column 80: the document ends inside an object")
        var latin1 = Array("{\"name\": \"caf".utf8) + [0xE9] + Array("\", \(tail)}".utf8)
        XCTAssertThrowsError(try Experiment.parse(Data(latin1), file: "e.json")) { XCTAssertTrue("\($0)".contains("byte 0xE9 is not UTF-8"), "\($0)") }
        latin1 = Array(String(repeating: "[", count: 100).utf8)
        XCTAssertThrowsError(try Experiment.parse(Data(latin1), file: "e.json")) { XCTAssertTrue("\($0)".contains("nested deeper than 64"), "\($0)") }
    }

    func testSizesBeyondTheLimitsNameTheKeyAndMemory() {
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 4611686018427387904}]}"#, "model[0].out: more than 2⁶³ parameters")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "mlp", "sizes": [64, 1000000000, 10]}]}"#, "model[0].sizes: 75000000010 parameters would need 1.2 TB to train")
        assertError(#"{"data": {"kind": "teacher", "features": 1000000000}, "model": [{"type": "linear", "in": 64, "out": 10}]}"#, "data.features: 32000000000 values would need 128.0 GB")
        assertError(#"{"data": {"kind": "adding", "samples": 1000000000}, "model": [{"type": "lstm", "input": 2, "hidden": 8}]}"#, "data.samples: ")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "lstm", "input": 2, "hidden": 1000000}]}"#, "model[0].hidden: ")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}], "epochs": 9223372036854775807}"#, "epochs: 9223372036854775807 is beyond the limit of 1000000")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}], "steps": 9223372036854775807}"#, "steps: 9223372036854775807 is beyond the limit")
        assertError(#"{"data": {"kind": "digits"}, "model": [{"type": "linear", "in": 64, "out": 10}], "batch_size": 9223372036854775807}"#, "batch_size: 9223372036854775807 is beyond the limit")
        var huge = #"{"data": {"kind": "digits"}, "model": ["#
        huge += Array(repeating: #"{"type": "linear", "in": 4000, "out": 4000}"#, count: 8).joined(separator: ",") + "]}"
        assertError(huge, "model: 128032000 parameters would need 2.0 GB to train")
    }

    func testFileProblemsAreNamed() throws {
        XCTAssertThrowsError(try Experiment.load(path: "/tmp")) { XCTAssertEqual("\($0)", "/tmp: is a folder, not a file") }
    }
}
