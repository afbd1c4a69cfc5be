import Autodiff
import Datasets
import Layers
import Monitor
import Optimizers
import TensorCore
import Training
import XCTest

/// Attached to a trainer, the monitor reads ‖W‖, ‖∇W‖ and ‖ΔW‖ from the optimizer's measured
/// steps; called by hand, from its own copy of the weights. Both give the same records, with
/// every step recorded and with every third.
final class MeasuredStepTests: XCTestCase {
    func run(attached: Bool, every: Int, optimizer make: ([Variable<Float>]) throws -> Optimizer<Float>) throws -> [StepRecord] {
        var rng = RandomGenerator(seed: 6)
        let model = Sequential<Float>(Linear(5, 12, using: &rng), ActivationLayer(.tanh), Linear(12, 12, using: &rng),
                                      ActivationLayer(.relu), Linear(12, 3, using: &rng))
        let x = Tensor<Float>.normal(shape: [40, 5], using: &rng)
        let data = InMemoryDataset(inputs: x, targets: Tensor<Float>((0..<40).map { Float($0 % 3) }))
        let trainer = try Trainer(model: model, loss: .crossEntropy, optimizer: try make(model.parameters))
        let monitor = GradientMonitor(model: model, every: every)
        if attached { monitor.attach(to: trainer) } else { trainer.onStep { monitor.observe($0) } }
        var shuffle = RandomGenerator(seed: 1)
        _ = try trainer.train(on: data, epochs: 4, batchSize: 8, using: &shuffle)
        return monitor.records
    }

    func testMeasuredAndCopiedStepsAgree() throws {
        let makers: [(String, ([Variable<Float>]) throws -> Optimizer<Float>)] = [
            ("sgd", { try SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }),
            ("adam", { try Adam(parameters: $0, learningRate: 0.01) }),
            ("rmsprop", { try RMSprop(parameters: $0, learningRate: 0.01) }),
        ]
        for (name, make) in makers {
            for every in [1, 3] {
                let measured = try run(attached: true, every: every, optimizer: make)
                let copied = try run(attached: false, every: every, optimizer: make)
                XCTAssertEqual(measured.map(\.step), copied.map(\.step), name)
                XCTAssertEqual(measured.count, every == 1 ? 20 : 7, name)
                for (a, b) in zip(measured, copied) {
                    XCTAssertEqual(a.loss, b.loss, "\(name): the same training")
                    for (la, lb) in zip(a.layers, b.layers) where lb.weightNorm != nil {
                        for (x, y) in [(la.weightNorm, lb.weightNorm), (la.gradNorm, lb.gradNorm), (la.updateNorm, lb.updateNorm)] {
                            let (x, y) = (try XCTUnwrap(x, name), try XCTUnwrap(y, name))
                            XCTAssertEqual(x, y, accuracy: 1e-6 * y, "\(name) every \(every), step \(a.step), layer \(la.path)")
                        }
                        XCTAssertEqual(la.nonFiniteCount, lb.nonFiniteCount)
                    }
                }
            }
        }
    }
}
