import Autodiff
import Datasets
import Layers
import Losses
import Optimizers
import TensorCore
import Training
import XCTest

final class TrainerTests: XCTestCase, TrainingFixtures {
    func testLearnsASeparableProblemAndRecordsHistory() throws {
        let trainer = try makeTrainer()
        var steps: [Int] = []
        trainer.onStep { steps.append($0.step) }
        var rng = RandomGenerator(seed: 9)
        let history = try trainer.train(on: blobs(), epochs: 5, batchSize: 32, using: &rng)
        XCTAssertEqual(history.stepLosses.count, 5 * 7)
        XCTAssertEqual(steps, Array(0..<35))
        XCTAssertEqual(history.epochLosses.count, 5)
        XCTAssertLessThan(history.epochLosses.last!, history.epochLosses.first! / 2)
        XCTAssertGreaterThan(history.epochAccuracies.last!, 0.95)
    }

    /// Without a clipping rule and with the `propagate` policy, the total norm comes from the
    /// optimizer's update loops; it is the gradients' norm, as the clipper's own pass gives it
    /// (here with a `skip` policy, which needs the pass), and the clipping statistics agree.
    func testTheNormSummedInTheUpdateIsTheClippersNorm() throws {
        var norms: [[Double]] = [[], []], expected: [Double] = []
        var statistics: [ClipStatistics] = []
        for (run, policy) in [NonFinitePolicy.propagate, .skip].enumerated() {
            let trainer = try makeTrainer(clipper: try GradientClipper(rule: nil, nonFinite: policy))
            XCTAssertEqual(trainer.clipper.needsNormBeforeStep, policy != .propagate)
            trainer.onStep { context in
                norms[run].append(context.clip.totalNorm)
                if run == 0 {  // the gradients are still on the parameters
                    expected.append(trainer.model.parameters.reduce(0.0) { $0 + $1.grad!.scalars.reduce(0) { $0 + Double($1) * Double($1) } }.squareRoot())
                }
            }
            var rng = RandomGenerator(seed: 9)
            _ = try trainer.train(on: blobs(), epochs: 2, batchSize: 32, using: &rng)
            statistics.append(trainer.clipper.statistics)
        }
        XCTAssertEqual(norms[0].count, 14)
        // The update loops sum in float blocks (within about 1e-6 relative, gg_step_measure); the
        // clipper's pass sums in double. A block left out or counted twice is off by far more.
        let tolerance = 4e-6
        for (a, b) in zip(norms[0], expected) { XCTAssertEqual(a, b, accuracy: tolerance * b) }
        for (a, b) in zip(norms[0], norms[1]) { XCTAssertEqual(a, b, accuracy: tolerance * b, "the same training, the norm taken before the step") }
        XCTAssertEqual(statistics[0].steps, statistics[1].steps)
        XCTAssertEqual(statistics[0].largestNorm, statistics[1].largestNorm, accuracy: tolerance * statistics[1].largestNorm)
    }

    /// An optimizer that updates only some of the model's parameters cannot give the norm of all
    /// of them: the clipper takes it, over every gradient.
    func testTheNormCoversParametersTheOptimizerLeavesAlone() throws {
        var rng = RandomGenerator(seed: 4)
        let model = Sequential<Float>(Linear(2, 8, using: &rng), ActivationLayer(.tanh), Linear(8, 2, using: &rng))
        let frozenLast = Array(model.parameters.dropLast())
        let trainer = try Trainer(model: model, loss: .crossEntropy, optimizer: try SGD(parameters: frozenLast, learningRate: 0.1))
        var pairs: [(Double, Double)] = []
        trainer.onStep { context in
            let all = model.parameters.reduce(0.0) { $0 + $1.grad!.scalars.reduce(0) { $0 + Double($1) * Double($1) } }
            pairs.append((context.clip.totalNorm, all.squareRoot()))
        }
        var shuffle = RandomGenerator(seed: 9)
        _ = try trainer.train(on: blobs(), epochs: 1, batchSize: 32, using: &shuffle)
        XCTAssertEqual(pairs.count, 7)
        for (a, b) in pairs { XCTAssertEqual(a, b, accuracy: 1e-9 * b) }
    }

    func testCallbacksComeOffByToken() throws {
        let trainer = try makeTrainer()
        var a = 0, b = 0, epochs = 0
        let first = trainer.onStep { _ in a += 1 }
        trainer.onStep { _ in b += 1 }
        let epoch = trainer.onEpochEnd { _, _ in epochs += 1 }
        var rng = RandomGenerator(seed: 9)
        _ = try trainer.train(on: blobs(), epochs: 1, batchSize: 32, using: &rng)
        trainer.removeCallback(first)
        trainer.removeCallback(epoch)
        trainer.removeCallback(epoch)  // a second removal changes nothing
        XCTAssertEqual(trainer.callbackCount, 1)
        _ = try trainer.train(on: blobs(), epochs: 1, batchSize: 32, using: &rng)
        XCTAssertEqual([a, b, epochs], [7, 14, 1], "only the callback still attached ran in the second epoch")
    }

    func testEpochCallbacksAndMaxSteps() throws {
        let trainer = try makeTrainer()
        var seen: [(Int, Double)] = []
        trainer.onEpochEnd { epoch, history in seen.append((epoch, history.epochLosses[epoch])) }
        var rng = RandomGenerator(seed: 9)
        let history = try trainer.train(on: blobs(), epochs: 5, batchSize: 32, using: &rng, maxSteps: 10)
        XCTAssertEqual(history.stepLosses.count, 10, "7 steps per epoch: one full epoch and 3 steps of the next")
        XCTAssertEqual(seen.map(\.0), [0, 1])
        XCTAssertEqual(seen.map(\.1), history.epochLosses)
        XCTAssertEqual(history.epochLosses[1], history.stepLosses[7...].reduce(0, +) / 3, accuracy: 1e-12)
    }

    func testSameSeedSameRun() throws {
        var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 1)
        let h1 = try makeTrainer().train(on: blobs(), epochs: 2, batchSize: 16, using: &a)
        let h2 = try makeTrainer().train(on: blobs(), epochs: 2, batchSize: 16, using: &b)
        XCTAssertEqual(h1, h2)
    }

    func testScheduleStepsOncePerEpoch() throws {
        let trainer = try makeTrainer(schedule: try StepDecay(baseLearningRate: 0.1, stepSize: 1, gamma: 0.5))
        var rng = RandomGenerator(seed: 1)
        let history = try trainer.train(on: blobs(), epochs: 3, batchSize: 50, using: &rng)
        XCTAssertEqual(history.learningRates, [0.1, 0.05, 0.025])
    }

    func testL2ShrinksWeights() throws {
        var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 1)
        let plain = try makeTrainer(), regularised = try makeTrainer(l2: 0.05)
        _ = try plain.train(on: blobs(), epochs: 5, batchSize: 20, using: &a)
        _ = try regularised.train(on: blobs(), epochs: 5, batchSize: 20, using: &b)
        let norm = { (t: Trainer<Float>) in t.model.parameters.filter { $0.shape.count == 2 }.map { $0.value.l2Norm() }.reduce(0, +) }
        XCTAssertLessThan(norm(regularised), norm(plain))
    }

    func nanData() -> InMemoryDataset<Float> {
        var inputs = blobs(40).inputs.scalars
        inputs[50] = .nan  // sample 25, in some batch of the epoch
        return InMemoryDataset(inputs: Tensor(shape: [40, 2], scalars: inputs), targets: blobs(40).targets, shuffles: false)
    }

    func testSkipPolicySkipsTheNaNBatchAndKeepsWeightsFinite() throws {
        let trainer = try makeTrainer(clipper: try GradientClipper(rule: .norm(maxNorm: 5), nonFinite: .skip))
        var rng = RandomGenerator(seed: 1)
        let history = try trainer.train(on: nanData(), epochs: 2, batchSize: 10, using: &rng)
        XCTAssertEqual(history.skippedSteps, 2, "one NaN batch per epoch")
        XCTAssertTrue(trainer.model.parameters.allSatisfy { $0.value.isFinite })
    }

    func testErrorPolicyStopsWithTheHistorySoFar() throws {
        let trainer = try makeTrainer(clipper: try GradientClipper(rule: .norm(maxNorm: 5), nonFinite: .error))
        var rng = RandomGenerator(seed: 1)
        XCTAssertThrowsError(try trainer.train(on: nanData(), epochs: 2, batchSize: 10, using: &rng)) { error in
            guard let error = error as? TrainingError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.step, 2, "batch 2 holds sample 25")
            XCTAssertEqual(error.history.stepLosses.count, 2)
            XCTAssertTrue(error.description.contains("non-finite gradient in parameter 0.weight"), error.description)
        }
    }

    func testBadL2IsRejected() {
        XCTAssertThrowsError(try makeTrainer(l2: -1)) { XCTAssertEqual("\($0)", "training: l2 must be a finite number ≥ 0, got -1.0") }
    }
}

final class EvaluationTests: XCTestCase {
    func testEvaluateMatchesAManualPassAndRestoresTrainingMode() throws {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor<Double>.normal(shape: [10, 3], using: &rng)
        let y = Tensor<Double>((0..<10).map { Double($0 % 2) })
        let model = Sequential<Double>(Linear(3, 2, using: &rng), Dropout(probability: 0.5, seed: 1))
        let trainer = try Trainer(model: model, loss: .crossEntropy, optimizer: try SGD(parameters: model.parameters, learningRate: 0.1))
        let result = trainer.evaluate(on: InMemoryDataset(inputs: x, targets: y), batchSize: 3)
        XCTAssertTrue(model.isTraining)
        model.eval()
        let output = model(Variable(x))
        XCTAssertEqual(result.loss, Loss.crossEntropy(output, y).value.scalar, accuracy: 1e-12, "dropout is off and batches are weighted by size")
        let predicted = (0..<10).map { output.value[$0, 1] > output.value[$0, 0] ? 1.0 : 0.0 }
        XCTAssertEqual(result.accuracy, Double(zip(predicted, y.scalars).filter { $0 == $1 }.count) / 10)
    }
}
