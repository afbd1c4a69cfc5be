import Autodiff
import Datasets
import Layers
import Optimizers
import TensorCore
import Training
import XCTest

/// Stopping anywhere and continuing from the position (with the model's and optimizer's state
/// and the dropout generator restored) gives bit for bit the weights of an uninterrupted run.
final class TrainingPositionTests: XCTestCase {
    let data: InMemoryDataset<Float> = {
        var rng = RandomGenerator(seed: 11)
        let x = Tensor<Float>.normal(shape: [90, 3], using: &rng)
        let y = Tensor<Float>((0..<90).map { x[$0, 0] + x[$0, 1] > 0 ? 1 : 0 })
        return InMemoryDataset(inputs: x, targets: y)
    }()

    func makeTrainer() throws -> Trainer<Float> {
        var rng = RandomGenerator(seed: 5)
        let model = Sequential<Float>(Linear(3, 16, using: &rng), ActivationLayer(.relu), Dropout(probability: 0.2, seed: 7), Linear(16, 2, using: &rng))
        return try Trainer(model: model, loss: .crossEntropy,
                           optimizer: try SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9),
                           schedule: try ReduceOnPlateau(baseLearningRate: 0.05, factor: 0.5, patience: 0))
    }

    func testStopAnywhereAndResumeGivesIdenticalWeights() throws {
        var rng = RandomGenerator(seed: 2)
        let reference = try makeTrainer()
        let full = try reference.train(on: data, epochs: 4, batchSize: 16, using: &rng)
        XCTAssertFalse(full.interrupted)
        for stopAfter in [1, 6, 7, 13, 23] {  // mid-epoch, an epoch's last batch, the next epoch's first…
            let first = try makeTrainer()
            var steps = 0
            first.stopRequested = { steps += 1; return steps == stopAfter }
            var rng1 = RandomGenerator(seed: 2)
            let partial = try first.train(on: data, epochs: 4, batchSize: 16, using: &rng1)
            XCTAssertTrue(partial.interrupted)
            XCTAssertEqual(partial.stepLosses.count, stopAfter)
            let position = first.position
            // A new process: fresh trainer, state copied over as a checkpoint would.
            let second = try makeTrainer()
            try second.model.loadStateDict(first.model.stateDict())
            try second.optimizer.restore(state: first.optimizer.state, stepCount: first.optimizer.stepCount,
                                         parameterSteps: first.optimizer.parameterSteps)
            second.model.loadRandomStates(first.model.namedRandomStates())
            var unused = RandomGenerator(seed: 999)
            let resumed = try second.train(on: data, epochs: 4, batchSize: 16, using: &unused, from: position)
            XCTAssertFalse(resumed.interrupted)
            XCTAssertEqual(resumed.stepLosses, full.stepLosses, "stop after \(stopAfter)")
            XCTAssertEqual(resumed.epochLosses, full.epochLosses)
            XCTAssertEqual(resumed.learningRates, full.learningRates)
            XCTAssertEqual(second.model.stateDict(), reference.model.stateDict(), "stop after \(stopAfter)")
        }
    }

    func testOptimizerStateThatDoesNotFitIsAnError() throws {
        let trainer = try makeTrainer()
        XCTAssertThrowsError(try trainer.optimizer.restore(state: ["momentum_buffer": [Tensor<Float>(zeros: [1])]], stepCount: 1,
                                                           parameterSteps: [1, 1, 1, 1])) { XCTAssertTrue("\($0)".contains("1 buffers for 4 parameters"), "\($0)") }
        XCTAssertThrowsError(try trainer.optimizer.restore(state: ["exp_avg": []], stepCount: 1, parameterSteps: [1, 1, 1, 1])) {
            XCTAssertEqual("\($0)", "unknown optimizer state \"exp_avg\"")
        }
    }

    func testPositionAndGeneratorRoundTripThroughJSON() throws {
        var rng = RandomGenerator(seed: 42)
        _ = rng.normal()  // leaves a spare normal behind
        var position = TrainingPosition(shuffling: rng)
        position.step = 17
        let decoded = try JSONDecoder().decode(TrainingPosition.self, from: JSONEncoder().encode(position))
        var a = position.epochShuffle, b = decoded.epochShuffle
        XCTAssertEqual((0..<5).map { _ in a.normal() }, (0..<5).map { _ in b.normal() })
        XCTAssertEqual(decoded.step, 17)
    }
}
