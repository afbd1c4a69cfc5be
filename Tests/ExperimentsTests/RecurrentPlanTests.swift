import Vocabulary
import Foundation
import Layers
import TensorCore
import XCTest
@testable import Experiments

final class RecurrentPlanTests: XCTestCase {
    func testNumLayersStacksLayersThatReadTheWholeSequence() throws {
        let e = try Experiment.parse(Data(#"""
        {"data": {"kind": "adding", "length": 10, "samples": 64},
         "model": [{"type": "gru", "input": 2, "hidden": 8, "num_layers": 3, "init": "xavier_uniform", "recurrent_init": "orthogonal"},
                   {"type": "linear", "in": 8, "out": 1}], "steps": 4, "batch_size": 16}
        """#.utf8), file: "e.json")
        let recurrent = e.layers.compactMap { layer -> RecurrentPlan? in
            if case .recurrent(let plan) = layer { return plan } else { return nil }
        }
        XCTAssertEqual(recurrent.map(\.inputSize), [2, 8, 8])
        XCTAssertEqual(recurrent.map(\.returnsSequences), [true, true, false], "only the top layer gives the last step alone")
        XCTAssertTrue(recurrent.allSatisfy { $0.recurrentInit == .weights(.orthogonal(gain: 1)) && $0.cell == .gru })
        let setup = try ExperimentSetup<Float>(e)
        XCTAssertEqual(try setup.model.outputShape(for: [16, 10, 2]), [16, 1])
        XCTAssertEqual(setup.model.namedParameters().filter { $0.name.hasSuffix("weight_hh_l0") }.count, 3)
        var rng = setup.shuffling
        let history = try setup.trainer.train(on: setup.data.train, epochs: 1, batchSize: 16, using: &rng, maxSteps: 4)
        XCTAssertTrue(history.stepLosses.allSatisfy(\.isFinite))
    }

    func testNumLayersErrors() {
        for (value, message) in [("0", "num_layers: expected a positive integer, got 0"), ("65", "num_layers: 65 is beyond the limit of 64"),
                                 ("1.5", "num_layers: expected an integer, got 1.5")] {
            XCTAssertThrowsError(try Experiment.parse(Data(#"{"data": {"kind": "adding"}, "model": [{"type": "rnn", "input": 2, "hidden": 4, "num_layers": \#(value)}]}"#.utf8), file: "e.json")) {
                XCTAssertTrue("\($0)".contains(message), "got: \($0)")
            }
        }
    }
}
