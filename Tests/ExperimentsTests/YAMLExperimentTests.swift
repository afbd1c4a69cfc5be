import Foundation
import XCTest
@testable import Experiments

final class YAMLExperimentTests: XCTestCase {
    func experiment(yaml: String) throws -> Experiment {
        try Experiment.parse(YAMLExperiment.json(from: yaml, source: "e.yaml"), file: "e")
    }

    func testYAMLEqualsJSON() throws {
        let json = #"""
        {"name": "deep", "seed": 7, "data": {"kind": "digits", "standardize": true, "test_fraction": 0.25},
         "model": [{"type": "mlp", "sizes": [64, 32, 10], "activation": "tanh", "init": {"type": "normal", "std": 0.05}},
                   {"type": "dropout", "p": 0.1}],
         "optimizer": {"type": "adam", "lr": 0.001, "betas": [0.9, 0.99]}, "clip": null,
         "schedule": {"type": "step", "step_size": 2, "gamma": 0.5}, "batch_size": 16, "epochs": 3, "patience": 2}
        """#
        let yaml = """
        # comments are allowed
        name: deep
        seed: 7
        data:
          kind: digits
          standardize: true
          test_fraction: .25
        model:
          - {type: mlp, sizes: [64, 32, 10], activation: tanh, init: {type: normal, std: 5e-2}}
          - type: dropout
            p: 0.1
        optimizer: {type: adam, lr: 1e-3, betas: [0.9, 0.99]}
        clip: ~
        schedule: {type: step, step_size: 2, gamma: 0.5}
        batch_size: 16
        epochs: 3
        patience: 2
        """
        XCTAssertEqual(try experiment(yaml: yaml), try Experiment.parse(Data(json.utf8), file: "e"))
    }

    func testQuotedScalarsStayText() throws {
        let data = try YAMLExperiment.json(from: "a: '3'\nb: 3\nc: \"true\"\nd: true\ne: 1_000\n", source: "e.yaml")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["a"] as? String, "3")
        XCTAssertEqual(object["b"] as? Int, 3)
        XCTAssertEqual(object["c"] as? String, "true")
        XCTAssertEqual(object["d"] as? Bool, true)
        let aliased = try JSONSerialization.jsonObject(with: YAMLExperiment.json(from: "a: &x {p: 1}\nb: *x\n", source: "e")) as? [String: Any]
        XCTAssertEqual((aliased?["b"] as? [String: Any])?["p"] as? Int, 1, "an alias expands to its anchor's value")
        XCTAssertEqual(object["e"] as? String, "1_000", "YAML 1.2 has no digit separators: text, which the key's check refuses")
    }

    func testErrorsNameLineAndColumn() {
        func message(_ yaml: String) -> String {
            do { _ = try YAMLExperiment.json(from: yaml, source: "e.yaml"); return "no error" } catch { return error.description }
        }
        XCTAssertEqual(message("a: 1\nb: -.inf\n"), "e.yaml: line 2, column 4: -.inf is not allowed: an experiment file holds finite numbers only")
        XCTAssertEqual(message("data: {kind: digits\nmodel: 3\n"), "e.yaml: not valid YAML: line 2, column 6: did not find expected ',' or '}'")
        XCTAssertEqual(message("a: 1\na: 2\n"), "e.yaml: not valid YAML: key \"a\" appears twice in one object; keep one")
        XCTAssertEqual(message("[1, 2]: 3\n"), "e.yaml: line 1, column 1: a key must be text, not a list or an object")
        XCTAssertEqual(message(""), "e.yaml: empty YAML document")
        XCTAssertTrue(YAMLExperiment.isYAML("x/e.YML"))
        XCTAssertFalse(YAMLExperiment.isYAML("e.json"))
    }

    func testReadingAYAMLFileGivesItsJSON() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gg-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("small.yaml").path
        try "data: {kind: digits}\nmodel: [{type: mlp, sizes: [64, 10]}]\nepochs: 2\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (experiment, text) = try Experiment.read(path: path)
        XCTAssertEqual(experiment.name, "small")
        XCTAssertEqual(experiment.length, .epochs(2))
        XCTAssertEqual(try Experiment.parse(text, file: "small.yaml", defaultName: "small", folder: folder.path), experiment,
                       "the kept text is JSON that parses to the same experiment")
        let changed = try Experiment.read(path: path, builtIn: ("{}", "x"), overrides: [try ExperimentOverride("epochs=5")])
        XCTAssertEqual(changed.experiment.length, .epochs(5))
    }
}
