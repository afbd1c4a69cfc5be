import Autodiff
import Datasets
import Foundation
import Initializers
import Layers
import Monitor
import Optimizers
import TensorCore
import Training
import XCTest

final class GradientMonitorTests: XCTestCase {
    func makeRun(activation: Activation, init weightInit: Initializer, depth: Int = 6, every: Int = 1)
        throws -> (Trainer<Double>, GradientMonitor<Double>, InMemoryDataset<Double>) {
        var rng = RandomGenerator(seed: 5)
        var layers: [Module<Double>] = []
        for i in 0..<depth {
            layers.append(Linear(i == 0 ? 4 : 16, 16, weightInitializer: weightInit, biasInitializer: .zeros, using: &rng))
            layers.append(ActivationLayer(activation))
        }
        layers.append(Linear(16, 3, using: &rng))
        let model = Sequential(layers)
        let x = Tensor<Double>.normal(shape: [24, 4], using: &rng)
        let y = Tensor<Double>((0..<24).map { Double($0 % 3) })
        let trainer = try Trainer(model: model, loss: .crossEntropy, optimizer: try SGD(parameters: model.parameters, learningRate: 0.1))
        let monitor = GradientMonitor(model: model, every: every)
        monitor.attach(to: trainer)
        return (trainer, monitor, InMemoryDataset(inputs: x, targets: y))
    }

    func testRecordsEveryLayerWithIndependentlyCheckedNumbers() throws {
        let (trainer, monitor, data) = try makeRun(activation: .relu, init: .kaimingNormal(nonlinearity: .relu), depth: 2)
        var rng = RandomGenerator(seed: 1)
        var gradAtStep0: Tensor<Double>?
        trainer.stepCallbacks.append { if $0.step == 0 { gradAtStep0 = trainer.model.parameters[0].grad } }
        _ = try trainer.train(on: data, epochs: 3, batchSize: 24, using: &rng)
        XCTAssertEqual(monitor.records.map(\.step), [0, 1, 2])
        let first = monitor.records[0]
        XCTAssertEqual(first.layers.map(\.path), ["0", "1", "2", "3", "4"])
        XCTAssertEqual(first.layers[0].kind, "Linear(4 → 16)")
        let linear = first.layers[0]
        XCTAssertEqual(linear.gradNorm!, gradAtStep0!.l2Norm(), accuracy: 1e-12)
        // SGD without momentum: the update is lr · grad.
        XCTAssertEqual(linear.updateNorm!, 0.1 * gradAtStep0!.l2Norm(), accuracy: 1e-12)
        XCTAssertNotNil(first.layers[1].deadFraction)
        XCTAssertNil(first.layers[1].weightNorm)
        XCTAssertNotNil(first.layers[4].outputGradNorm)
        XCTAssertEqual(first.layers.map(\.nonFiniteCount), [0, 0, 0, 0, 0])
    }

    func testVanishingIsVisibleInTheBackPropagatedGradient() throws {
        let (trainer, monitor, data) = try makeRun(activation: .sigmoid, init: .normal(std: 0.05))
        var rng = RandomGenerator(seed: 1)
        _ = try trainer.train(on: data, epochs: 1, batchSize: 24, using: &rng)
        let layers = monitor.records[0].layers
        let firstLinear = layers.first { $0.path == "0" }!, lastLinear = layers.first { $0.path == "12" }!
        XCTAssertLessThan(firstLinear.outputGradNorm! / lastLinear.outputGradNorm!, 1e-6)
    }

    func testEveryNAndJSONLines() throws {
        let (trainer, monitor, data) = try makeRun(activation: .tanh, init: .xavierUniform(gain: 5.0 / 3), depth: 1, every: 2)
        var rng = RandomGenerator(seed: 1)
        _ = try trainer.train(on: data, epochs: 5, batchSize: 24, using: &rng)
        XCTAssertEqual(monitor.records.map(\.step), [0, 2, 4])
        // An update over one step even when recording every 2nd: compare with lr · grad.
        let lines = try monitor.jsonLines().split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let object = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
        XCTAssertEqual(object["step"] as? Int, 2)
        let layer0 = (object["layers"] as! [[String: Any]])[0]
        XCTAssertNotNil(layer0["output_grad_norm"])
        XCTAssertEqual(layer0["update_norm"] as! Double, 0.1 * (layer0["grad_norm"] as! Double), accuracy: 1e-12)
        XCTAssertNotNil((object["layers"] as! [[String: Any]])[1]["saturated_fraction"])
    }

    func testRecurrentLayersReportHiddenGradientsOverTime() throws {
        var rng = RandomGenerator(seed: 2)
        let model = Sequential<Double>(GRU(2, 4, using: &rng), Linear(4, 1, using: &rng))
        let trainer = try Trainer(model: model, loss: .mse, optimizer: try Adam(parameters: model.parameters))
        let monitor = GradientMonitor(model: model)
        monitor.attach(to: trainer)
        let data = InMemoryDataset(inputs: Tensor<Double>.normal(shape: [6, 7, 2], using: &rng), targets: Tensor<Double>.normal(shape: [6, 1], using: &rng))
        _ = try trainer.train(on: data, epochs: 1, batchSize: 6, using: &rng)
        XCTAssertEqual(monitor.records[0].layers[0].hiddenGradNorms?.count, 7)
    }
}
