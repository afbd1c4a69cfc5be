import Datasets
import Diagnosis
import Experiments
import Foundation
import TensorCore
import XCTest
@testable import Runs

final class ExperimentRunnerTests: XCTestCase {
    let json = #"{"name": "small", "seed": 3, "data": {"kind": "teacher", "features": 4, "samples": 200},"#
        + #" "model": [{"type": "mlp", "sizes": [4, 8, 1], "activation": "tanh"}], "loss": "mse", "optimizer": {"type": "sgd", "lr": 0.05}, "epochs": 2}"#

    func testARunLeavesTheTrainerAsItFoundItAndRepeats() throws {
        let setup = try ExperimentSetup<Float>(Experiment.parse(Data(json.utf8), file: "small.json"))
        XCTAssertEqual(setup.trainer.callbackCount, 0)
        var epochs: [Int] = []
        let first = ExperimentRunner.run(setup, epochEnd: { epochs.append($0.epoch) })
        XCTAssertEqual(setup.trainer.callbackCount, 0, "monitor and epoch callback removed by their tokens")
        XCTAssertEqual(epochs, [1, 2])
        XCTAssertEqual(first.records.count, first.final.steps)
        XCTAssertTrue(first.final.loss.isFinite)
        _ = ExperimentRunner.run(setup)
        XCTAssertEqual(setup.trainer.callbackCount, 0)
    }

    func testAnInfiniteTestLossWithFiniteTrainingIsNonFinite() throws {
        // Training data in the usual range, a test input of 1e30: a ReLU net passes it on, and its
        // squared error overflows Float.
        let experiment = try Experiment.parse(Data(json.replacingOccurrences(of: "tanh", with: "relu").utf8), file: "small.json")
        var rng = RandomGenerator(seed: 1)
        let x = Tensor<Float>.normal(shape: [64, 4], using: &rng), y = Tensor<Float>.normal(shape: [64, 1], using: &rng)
        let test = InMemoryDataset(inputs: Tensor<Float>(repeating: 1e30, shape: [2, 4]), targets: Tensor<Float>(zeros: [2, 1]))
        let data = ExperimentData(train: InMemoryDataset(inputs: x, targets: y), test: test, classes: nil, sampleShape: [4], targetShape: [1])
        let run = ExperimentRunner.run(try ExperimentSetup(experiment, data: data))
        XCTAssertFalse(run.final.loss.isFinite)
        XCTAssertTrue(run.records.allSatisfy { $0.loss.isFinite && $0.totalGradNorm.isFinite })
        XCTAssertEqual(run.verdict, .nonFinite)
        XCTAssertNotNil(run.findings[0].evidence["test_loss"])
    }

    /// The run carries its clipping statistics, and the doctor document's encoding of them
    /// decodes to the same numbers.
    func testARunReportsHowMuchItClipped() throws {
        let clipped = json.replacingOccurrences(of: #""epochs": 2}"#, with: #""epochs": 2, "clip": {"type": "norm", "max_norm": 0.01}}"#)
        let run = ExperimentRunner.run(try ExperimentSetup<Float>(Experiment.parse(Data(clipped.utf8), file: "small.json")))
        let clip = try XCTUnwrap(run.clipping)
        XCTAssertEqual(clip.steps, run.final.steps)
        XCTAssertEqual(clip.clippedSteps, clip.steps, "a max norm of 0.01 clips every step")
        XCTAssertLessThan(clip.meanScale, 1)
        XCTAssertTrue(clip.summary.hasPrefix("\(clip.steps) of \(clip.steps) steps clipped"), clip.summary)
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let data = try encoder.encode(clip)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"clipped_steps\""))
        let back = try decoder.decode(type(of: clip), from: data)
        XCTAssertEqual(back.steps, clip.steps)
        XCTAssertEqual(back.meanScale, clip.meanScale, accuracy: 1e-12)
    }
}
