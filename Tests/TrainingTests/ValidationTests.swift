import Autodiff
import Datasets
import Foundation
import Layers
import Losses
import Optimizers
import TensorCore
@testable import Training
import XCTest

final class ValidationTests: XCTestCase, TrainingFixtures {
    /// The blobs with every label flipped: the better the model learns the training set, the
    /// worse its loss here, so the first validation is the best and early stopping must fire.
    func flipped(_ data: InMemoryDataset<Float>) -> InMemoryDataset<Float> {
        InMemoryDataset(inputs: data.inputs, targets: Tensor(data.targets.scalars.map { 1 - $0 }))
    }

    func testEarlyStoppingStopsWhenTheValidationLossStopsFalling() throws {
        let trainer = try makeTrainer()
        var rng = RandomGenerator(seed: 9)
        let validation = Validation(data: flipped(blobs(60, seed: 5)), plan: ValidationPlan(patience: 2))
        var epochsSeen: [Int] = []
        trainer.onEpochEnd { epoch, _ in epochsSeen.append(epoch) }
        let history = try trainer.train(on: blobs(), epochs: 30, batchSize: 32, using: &rng, validation: validation)
        XCTAssertEqual(history.validation.map { $0.epoch }, [1, 2, 3])
        XCTAssertLessThan(history.validation[0].loss, history.validation[1].loss)
        XCTAssertLessThan(history.validation[1].loss, history.validation[2].loss)
        XCTAssertEqual(history.stoppedEarlyAfterEpoch, 3)
        XCTAssertEqual(history.epochLosses.count, 3, "no epoch after the stop")
        XCTAssertEqual(epochsSeen, [0, 1, 2])
        XCTAssertEqual(history.bestValidation?.epoch, 1)
        // The kept weights are epoch 1's: loaded back, they score what epoch 1 scored.
        let best = try XCTUnwrap(trainer.bestWeights)
        XCTAssertEqual(best.score, history.validation[0])
        try trainer.model.loadStateDict(best.weights)
        XCTAssertEqual(trainer.evaluate(on: validation.data).loss, history.validation[0].loss)
    }

    func testScoringDoesNotChangeTraining() throws {
        var (a, b) = (RandomGenerator(seed: 9), RandomGenerator(seed: 9))
        let plain = try makeTrainer().train(on: blobs(), epochs: 4, batchSize: 32, using: &a)
        let scored = try makeTrainer().train(on: blobs(), epochs: 4, batchSize: 32, using: &b,
                                                    validation: Validation(data: blobs(40, seed: 6), plan: ValidationPlan(every: 3)))
        XCTAssertEqual(plain.stepLosses, scored.stepLosses)
        XCTAssertEqual(scored.validation.map { $0.epoch }, [3, 4], "every third epoch and the last")
        XCTAssertNil(scored.stoppedEarlyAfterEpoch)
        XCTAssertGreaterThan(scored.validation.last!.accuracy!, 0.9)
    }

    func testMinDeltaCountsSmallImprovementsAsNone() {
        let history = History(stepLosses: [], validation: [1.0, 0.95, 0.93, 0.5].enumerated().map {
            ValidationScore(epoch: $0.offset + 1, loss: $0.element, accuracy: nil)
        })
        XCTAssertEqual(history.validationsWithoutImprovement(minDelta: 0), 0)
        let slow = History(stepLosses: [], validation: [1.0, 0.95, 0.93].enumerated().map {
            ValidationScore(epoch: $0.offset + 1, loss: $0.element, accuracy: nil)
        })
        XCTAssertEqual(slow.validationsWithoutImprovement(minDelta: 0), 0)
        XCTAssertEqual(slow.validationsWithoutImprovement(minDelta: 0.1), 2)
        let nan = History(stepLosses: [], validation: [.nan, 2, .nan].enumerated().map {
            ValidationScore(epoch: $0.offset + 1, loss: $0.element, accuracy: nil)
        })
        XCTAssertEqual(nan.validationsWithoutImprovement(minDelta: 0), 1)
        XCTAssertEqual(nan.bestValidation?.epoch, 2)
    }

    func testAHistoryWrittenBeforeValidationExistedStillReads() throws {
        let old = #"{"stepLosses":[1,0.5],"epochLosses":[0.75],"epochAccuracies":[],"learningRates":[0.1],"skippedSteps":0,"interrupted":false}"#
        let history = try JSONDecoder().decode(History.self, from: Data(old.utf8))
        XCTAssertEqual(history.stepLosses, [1, 0.5])
        XCTAssertEqual(history.validation, [])
        XCTAssertNil(history.stoppedEarlyAfterEpoch)
        let again = try JSONDecoder().decode(History.self, from: JSONEncoder().encode(
            History(stepLosses: [1], validation: [ValidationScore(epoch: 1, loss: 0.5, accuracy: 0.9)], stoppedEarlyAfterEpoch: 1)))
        XCTAssertEqual(again.validation.first?.accuracy, 0.9)
        XCTAssertEqual(again.stoppedEarlyAfterEpoch, 1)
    }
}

final class ConfusionMatrixTests: XCTestCase, TrainingFixtures {
    func testCountsRecallPrecisionAndTheCommonestMistake() {
        var m = ConfusionMatrix(classes: 3)
        for (t, p) in [(0, 0), (0, 0), (0, 1), (1, 1), (2, 1), (2, 1), (2, 2)] { m.add(trueClass: t, predicted: p) }
        XCTAssertEqual(m.counts, [[2, 1, 0], [0, 1, 0], [0, 2, 1]])
        XCTAssertEqual(m.total, 7)
        XCTAssertEqual(m.accuracy!, 4.0 / 7, accuracy: 1e-15)
        XCTAssertEqual(m.recall.map { $0! }, [2.0 / 3, 1, 1.0 / 3])
        XCTAssertEqual(m.precision.map { $0! }, [1, 0.25, 1])
        XCTAssertEqual(m.commonestMistake?.trueClass, 2)
        XCTAssertEqual(m.commonestMistake?.predicted, 1)
        XCTAssertNil(ConfusionMatrix(counts: [[3, 0], [0, 2]]).commonestMistake)
        XCTAssertNil(ConfusionMatrix(classes: 2).accuracy)
    }

    func testEvaluationsMatrixAgreesWithItsAccuracy() throws {
        let trainer = try makeTrainer()
        var rng = RandomGenerator(seed: 9)
        _ = try trainer.train(on: blobs(), epochs: 1, batchSize: 32, using: &rng)
        let result = trainer.evaluate(on: blobs(101, seed: 8), batchSize: 16)
        let confusion = try XCTUnwrap(result.confusion)
        XCTAssertEqual(confusion.total, 101, "every batch, the ragged last one too")
        XCTAssertEqual(confusion.accuracy, result.accuracy)
    }
}

final class BatchRowsTests: XCTestCase {
    func testRowsCopyTheSlice() {
        let batch = Batch<Float>(inputs: Tensor(shape: [4, 2], scalars: [0, 1, 2, 3, 4, 5, 6, 7]), targets: Tensor([0, 1, 2, 3]))
        let middle = batch.rows(1..<3)
        XCTAssertEqual(middle.inputs, Tensor(shape: [2, 2], scalars: [2, 3, 4, 5]))
        XCTAssertEqual(middle.targets, Tensor([1, 2]))
        XCTAssertEqual(batch.rows(0..<4).inputs, batch.inputs)
        XCTAssertEqual(batch.rows(2..<2).count, 0)
    }
}
