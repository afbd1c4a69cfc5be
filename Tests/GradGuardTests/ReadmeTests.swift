import GradGuard
import XCTest

/// The README's code, verbatim apart from printing: if this stops compiling, fix the README too.
final class ReadmeTests: XCTestCase {
    func testLayerTapSnippet() {
        var rng = RandomGenerator(seed: 0)
        let model = Sequential<Float>(
            Linear(64, 64, weightInitializer: .kaimingNormal(nonlinearity: .relu), using: &rng),
            ActivationLayer(.relu),
            Linear(64, 10, using: &rng))
        let tap = LayerTap(model)
        let x = Variable(Tensor<Float>.normal(shape: [32, 64], using: &rng))
        let loss = Loss.crossEntropy(model(x), Tensor((0..<32).map { Float($0 % 10) }))
        loss.backward()
        XCTAssertEqual(tap.collect().map(\.path), ["0", "1", "2"])
        XCTAssertEqual(model.namedParameters().map(\.name), ["0.weight", "0.bias", "2.weight", "2.bias"])
    }

    func testTrainingSnippet() throws {
        var rng = RandomGenerator(seed: 0)
        let x = Tensor<Float>.normal(shape: [256, 2], using: &rng)
        let labels = Tensor<Float>((0..<256).map { x[$0, 0] * x[$0, 1] > 0 ? 1 : 0 })
        let model = Sequential<Float>(Linear(2, 16, using: &rng), ActivationLayer(.tanh), Linear(16, 2, using: &rng))
        let trainer = try Trainer(
            model: model, loss: .crossEntropy,
            optimizer: try Adam(parameters: model.parameters, learningRate: 1e-2),
            clipper: try GradientClipper(rule: .norm(maxNorm: 1), nonFinite: .skip),
            l2: 1e-4, schedule: try CosineAnnealing(baseLearningRate: 1e-2, tMax: 20))
        var calls = 0
        trainer.onStep { _ in calls += 1 }
        let history = try trainer.train(on: InMemoryDataset(inputs: x, targets: labels), epochs: 20, batchSize: 32, using: &rng)
        XCTAssertEqual(calls, 20 * 8)
        XCTAssertGreaterThan(history.epochAccuracies.last!, 0.9)
        print("README accuracy:", history.epochAccuracies.last!)
    }

    func testRecurrentSnippet() {
        var rng = RandomGenerator(seed: 0)
        let rnn = RNN<Float>(2, 16, recurrentWeightInitializer: .orthogonal(gain: 0.5), using: &rng)
        let lstm = LSTM<Float>(2, 16, using: &rng)
        let x = Variable(Tensor<Float>.normal(shape: [8, 30, 2], using: &rng))
        rnn(x).sum().backward()
        lstm(x).sum().backward()
        print("README hidden gradient norms at t = 0:", rnn.hiddenGradientNorms.first!, lstm.hiddenGradientNorms.first!)
        XCTAssertLessThan(rnn.hiddenGradientNorms.first! * 100, lstm.hiddenGradientNorms.first!)
        XCTAssertEqual(lstm.namedParameters().map(\.name), ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
    }
}
