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

    func testDetachLeavesTheTrainerAsItWas() throws {
        let (trainer, monitor, data) = try makeRun(activation: .tanh, init: .xavierNormal(), depth: 1)
        XCTAssertEqual(trainer.callbackCount, 2, "a step-start and a step callback")
        monitor.detach()
        XCTAssertEqual(trainer.callbackCount, 0)
        var rng = RandomGenerator(seed: 1)
        _ = try trainer.train(on: data, epochs: 1, batchSize: 24, using: &rng)
        XCTAssertTrue(monitor.records.isEmpty, "a detached monitor records nothing")
        monitor.attach(to: trainer)  // and it can attach again, hooks included
        _ = try trainer.train(on: data, epochs: 1, batchSize: 24, using: &rng)
        XCTAssertEqual(monitor.records.count, 1)
        XCTAssertEqual(monitor.records[0].layers.count, 3, "Linear, tanh, Linear observed again")
    }

    func testRecordsEveryLayerWithIndependentlyCheckedNumbers() throws {
        let (trainer, monitor, data) = try makeRun(activation: .relu, init: .kaimingNormal(nonlinearity: .relu), depth: 2)
        var rng = RandomGenerator(seed: 1)
        var gradAtStep0: Tensor<Double>?
        trainer.onStep { if $0.step == 0 { gradAtStep0 = trainer.model.parameters[0].grad } }
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

    /// Each call of `train` numbers its steps from 0 again; the monitor learns each step's
    /// number before it runs, so every recorded step is measured in the passes (output summaries,
    /// Σ(∂L/∂a)², the optimizer's step measure), with the same numbers as the copied path.
    func testRepeatedTrainCallsRecordMeasuredSteps() throws {
        let (trainer, monitor, data) = try makeRun(activation: .tanh, init: .xavierUniform(gain: 5.0 / 3), depth: 1, every: 3)
        var gradAtStep0: Tensor<Double>?
        trainer.onStep { if $0.step == 0 { gradAtStep0 = trainer.model.parameters[0].grad } }
        var rng = RandomGenerator(seed: 1)
        for _ in 0..<2 { _ = try trainer.train(on: data, epochs: 4, batchSize: 24, using: &rng) }
        XCTAssertEqual(monitor.records.map(\.step), [0, 3, 0, 3])
        let last = monitor.records[2].layers[0]
        XCTAssertEqual(last.gradNorm!, gradAtStep0!.l2Norm(), accuracy: 1e-12)
        XCTAssertEqual(last.updateNorm!, 0.1 * gradAtStep0!.l2Norm(), accuracy: 1e-12)
        XCTAssertNotNil(last.outputGradNorm)
    }

    /// The identical-unit check (a cache line per unit row) runs on every
    /// `identicalUnitsEvery`-th record, the first included, and at histogram steps.
    func testIdenticalUnitsAreCheckedOnASparserSchedule() throws {
        let (trainer, monitor, data) = try makeRun(activation: .tanh, init: .xavierUniform(gain: 5.0 / 3), depth: 1, every: 1)
        monitor.identicalUnitsEvery = 3
        monitor.histogramSteps = [4]
        var rng = RandomGenerator(seed: 1)
        _ = try trainer.train(on: data, epochs: 7, batchSize: 24, using: &rng)
        let checked = monitor.records.filter { $0.layers[0].identicalUnitFraction != nil }.map(\.step)
        XCTAssertEqual(checked, [0, 3, 4, 6])
        XCTAssertEqual(monitor.records[3].layers[0].identicalUnitFraction, 0, "random rows differ")
        XCTAssertNil(monitor.records[5].layers[1].identicalUnitFraction, "not a Linear layer")
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

    /// Between steps an attached monitor takes no statistics: a forward pass there (evaluation)
    /// runs the plain activation kernel.
    func testForwardPassesBetweenStepsTakeNoStatistics() throws {
        var rng = RandomGenerator(seed: 9)
        let model = Sequential<Float>(Linear(4, 8, using: &rng), ActivationLayer(.sigmoid), Linear(8, 3, using: &rng))
        let trainer = try Trainer(model: model, loss: .crossEntropy, optimizer: try SGD(parameters: model.parameters, learningRate: 0.1))
        let monitor = GradientMonitor(model: model)
        monitor.attach(to: trainer)
        let data = InMemoryDataset(inputs: Tensor<Float>.normal(shape: [12, 4], using: &rng),
                                   targets: Tensor<Float>((0..<12).map { Float($0 % 3) }))
        _ = try trainer.train(on: data, epochs: 1, batchSize: 6, using: &rng)
        XCTAssertEqual(monitor.records.count, 2)
        XCTAssertNotNil(monitor.records.last?.layers[1].saturatedFraction, "the steps were recorded")
        _ = model(Variable(Tensor<Float>.normal(shape: [5, 4], using: &rng)))
        XCTAssertNil(model.layers[1].forwardSummaries, "an evaluation pass runs the plain kernel")
    }

    /// A monitor that is not attached and not yet observed (or forward passes between steps,
    /// such as evaluation) holds one pass's outputs, not every pass's: weak references to the
    /// first layer's outputs of five passes find only the last one alive.
    func testForwardPassesBetweenObservationsDoNotPileUp() throws {
        var rng = RandomGenerator(seed: 7)
        let model = Sequential<Double>(Linear(4, 8, using: &rng), ActivationLayer(.tanh), Linear(8, 3, using: &rng))
        let monitor = GradientMonitor(model: model)
        final class WeakOutput { weak var output: Variable<Double>? }
        var outputs: [WeakOutput] = []
        let hook = model.layers[0].addForwardHook { _, _, output in
            let reference = WeakOutput()
            reference.output = output
            outputs.append(reference)
        }
        for _ in 0..<5 { _ = model(Variable(Tensor<Double>.normal(shape: [6, 4], using: &rng))) }
        XCTAssertEqual(outputs.count, 5)
        XCTAssertEqual(outputs.filter { $0.output != nil }.count, 1, "only the latest pass is kept")
        XCTAssertNotNil(outputs.last?.output)
        model.layers[0].removeForwardHook(hook)
        monitor.detach()
    }
}

final class HistogramTests: XCTestCase {
    func testBinsMomentsAndNonFiniteValues() {
        let h = Histogram(Tensor<Float>([0, 1, 1, 2, 3, 4, .nan, .infinity]), bins: 4)
        XCTAssertEqual(h.min, 0)
        XCTAssertEqual(h.max, 4)
        XCTAssertEqual(h.count, 6)
        XCTAssertEqual(h.nonFinite, 2)
        XCTAssertEqual(h.sum, 11)
        XCTAssertEqual(h.sumSquares, 31)
        XCTAssertEqual(h.counts, [1, 2, 1, 2], "bins [0,1) [1,2) [2,3) [3,4]: the last bin includes the maximum")
        XCTAssertEqual(h.edges, [0, 1, 2, 3, 4])
        XCTAssertEqual(h.counts.reduce(0, +), h.count)
    }

    func testConstantAndEmptyTensors() {
        let constant = Histogram(Tensor<Double>(repeating: 0.5, shape: [7]))
        XCTAssertEqual(constant.counts, [7])
        XCTAssertEqual(constant.edges, [0.5, 0.5])
        let none = Histogram(Tensor<Float>([.nan]))
        XCTAssertEqual(none.counts, [])
        XCTAssertEqual(none.count, 0)
        XCTAssertEqual(none.nonFinite, 1)
    }
}

extension GradientMonitorTests {
    func testHistogramStepsAreRecordedWithWeightGradientAndOutputDistributions() throws {
        let (trainer, monitor, data) = try makeRun(activation: .tanh, init: .xavierUniform(), depth: 2, every: 4)
        monitor.histogramSteps = [0, 2]
        var weightAtStep2: Tensor<Double>?
        trainer.onStep { if $0.step == 2 { weightAtStep2 = trainer.model.parameters[0].value } }
        var rng = RandomGenerator(seed: 1)
        _ = try trainer.train(on: data, epochs: 6, batchSize: 24, using: &rng)
        XCTAssertEqual(monitor.records.map(\.step), [0, 2, 4], "every 4th step plus the histogram steps")
        XCTAssertNotNil(monitor.records[0].layers[0].histograms)
        XCTAssertNil(monitor.records[2].layers[0].histograms)
        let h = try XCTUnwrap(monitor.records[1].layers[0].histograms)
        XCTAssertEqual(h.weights, Histogram(weightAtStep2!, bins: 30))
        XCTAssertEqual(h.gradients?.count, 4 * 16)
        XCTAssertEqual(h.activations.count, 24 * 16)
        XCTAssertNil(monitor.records[1].layers[1].histograms?.weights, "an activation layer has no weights")
        // Step 2 is off the every-4 cycle: its update norm is measured against step 1's weights.
        XCTAssertNotNil(monitor.records[1].layers[0].updateNorm)
        XCTAssertEqual(monitor.records[1].layers[0].updateNorm!, 0.1 * monitor.records[1].layers[0].gradNorm!, accuracy: 1e-12)
    }
}

final class MonitoredQuantityTests: XCTestCase {
    /// Every declared key is the JSON key of its LayerRecord field, and reads the same number back.
    func testKeysAreTheRecordsJSONKeysAndValuesMatch() throws {
        var layer = LayerRecord(path: "0", kind: "Linear(2 → 3)", activationMean: 0.5, activationStd: 2)
        layer.outputGradNorm = 1; layer.saturatedFraction = 0.1; layer.deadFraction = 0.2; layer.meanDerivative = 0.3
        layer.identicalUnitFraction = 0.4; layer.weightNorm = 5; layer.gradNorm = 6; layer.updateNorm = 7; layer.updateRatio = 8
        layer.nonFiniteCount = 9
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder.gradGuard().encode(layer)) as? [String: Any])
        XCTAssertEqual(Set(MonitoredQuantity.perLayer.map(\.key)).count, MonitoredQuantity.perLayer.count, "keys are unique")
        for q in MonitoredQuantity.perLayer {
            XCTAssertEqual((json[q.key] as? NSNumber)?.doubleValue, q.value(layer), q.key)
        }
        XCTAssertEqual(MonitoredQuantity.perLayer.compactMap(\.tensorBoardTag).sorted(),
                       ["backprop_norm", "gradient_norm", "update_ratio", "weight_norm"])
    }
}

/// Two layers whose forward pass calls them in the opposite order to the one they are listed in.
private final class CalledInReverse: Module<Double> {
    let first: Linear<Double>, second: Linear<Double>
    init(_ first: Linear<Double>, _ second: Linear<Double>) { (self.first, self.second) = (first, second) }
    override var children: [(name: String, module: Module<Double>)] { [("first", first), ("second", second)] }
    override func forward(_ input: Variable<Double>) -> Variable<Double> { first(second(input)) }
}

final class GradientMonitorLayerOrderTests: XCTestCase {
    /// The tap reports layers in the order they ran; each record still carries its own layer's output.
    func testLayersRunOutOfTheirListedOrderGetTheirOwnOutputs() throws {
        var rng = RandomGenerator(seed: 3)
        let model = CalledInReverse(Linear(4, 4, using: &rng), Linear(4, 4, using: &rng))
        let x = Tensor<Double>.normal(shape: [8, 4], using: &rng)
        let afterSecond = model.second(Variable(x)).value
        let afterFirst = model.first(Variable(afterSecond)).value
        func mean(_ t: Tensor<Double>) -> Double { t.scalars.reduce(0, +) / Double(t.count) }
        let trainer = try Trainer(model: model, loss: .crossEntropy, optimizer: try SGD(parameters: model.parameters, learningRate: 0.1))
        let monitor = GradientMonitor(model: model)
        monitor.attach(to: trainer)
        var order = RandomGenerator(seed: 1)
        let data = InMemoryDataset(inputs: x, targets: Tensor<Double>((0..<8).map { Double($0 % 4) }), shuffles: false)
        _ = try trainer.train(on: data, epochs: 1, batchSize: 8, using: &order)
        let layers = try XCTUnwrap(monitor.records.first).layers
        XCTAssertEqual(layers.map(\.path), ["first", "second"])
        XCTAssertEqual(layers[0].activationMean, mean(afterFirst), accuracy: 1e-12)
        XCTAssertEqual(layers[1].activationMean, mean(afterSecond), accuracy: 1e-12)
        XCTAssertNotEqual(mean(afterFirst), mean(afterSecond), accuracy: 1e-6, "the two outputs tell the layers apart")
    }
}
