import Autodiff
import Datasets
import Diagnosis
import Initializers
import Layers
import Monitor
import Optimizers
import TensorCore
import Training
import XCTest

final class DetectorTests: XCTestCase {
    /// A deep MLP on a small 3-class problem, trained with the monitor on; returns its records.
    func records(
        activation: Activation, init weightInit: Initializer, depth: Int = 8, learningRate: Double = 0.1,
        steps: Int = 20, nonFinite: NonFinitePolicy = .propagate
    ) throws -> [StepRecord] {
        var rng = RandomGenerator(seed: 11)
        var layers: [Module<Float>] = []
        for i in 0..<depth {
            layers.append(Linear(i == 0 ? 8 : 32, 32, weightInitializer: weightInit, biasInitializer: .zeros, using: &rng))
            layers.append(ActivationLayer(activation))
        }
        layers.append(Linear(32, 3, weightInitializer: weightInit, biasInitializer: .zeros, using: &rng))
        let model = Sequential(layers)
        let x = Tensor<Float>.normal(shape: [64, 8], using: &rng)
        let y = Tensor<Float>((0..<64).map { x[$0, 0] > 0.5 ? 2 : (x[$0, 0] > -0.5 ? 1 : 0) })
        let trainer = try Trainer(model: model, loss: .crossEntropy,
                                  optimizer: try SGD(parameters: model.parameters, learningRate: learningRate),
                                  clipper: try GradientClipper(rule: nil, nonFinite: nonFinite))
        let monitor = GradientMonitor(model: model)
        monitor.attach(to: trainer)
        _ = try trainer.train(on: InMemoryDataset(inputs: x, targets: y), epochs: steps, batchSize: 64, using: &rng)
        return monitor.records
    }

    let detectors: [any Detector] = [NonFiniteDetector(), VanishingGradientDetector(), ExplodingGradientDetector()]

    func findings(_ records: [StepRecord]) -> [ProblemKind] { detectors.compactMap { $0.detect(records)?.kind } }

    func testDeepSigmoidWithSmallInitVanishesAtTheFirstLayer() throws {
        let r = try records(activation: .sigmoid, init: .normal(std: 0.05))
        let finding = try XCTUnwrap(VanishingGradientDetector().detect(r))
        XCTAssertEqual(finding.layer, "0")
        XCTAssertEqual(finding.firstStep, 0)
        XCTAssertLessThan(finding.evidence["grad_norm_ratio_first_last"]!, 1e-6)
        XCTAssertTrue(finding.explanation.contains("σ′ ≤ 0.25"), finding.explanation)
        XCTAssertEqual(findings(r), [.vanishingGradient])
    }

    func testDeepReLUWithLargeInitExplodes() throws {
        let r = try records(activation: .relu, init: .normal(std: 0.6), steps: 3, nonFinite: .skip)
        let finding = try XCTUnwrap(ExplodingGradientDetector().detect(r))
        XCTAssertEqual(finding.layer, "0")
        XCTAssertGreaterThan(finding.evidence["grad_norm_ratio_first_last"]!, 1e3)
        XCTAssertNil(VanishingGradientDetector().detect(r))
    }

    func testHighLearningRateGoesNonFiniteAndNamesTheStep() throws {
        let r = try records(activation: .relu, init: .kaimingNormal(nonlinearity: .relu), learningRate: 1e4, steps: 12)
        let finding = try XCTUnwrap(NonFiniteDetector().detect(r))
        XCTAssertGreaterThan(finding.firstStep, 0, "the first step is still finite")
        XCTAssertTrue(r[finding.firstStep - 1].loss.isFinite)
        XCTAssertNotNil(finding.layer)
    }

    func testHealthyRunsGetNoFinding() throws {
        XCTAssertEqual(findings(try records(activation: .relu, init: .kaimingNormal(nonlinearity: .relu))), [])
        XCTAssertEqual(findings(try records(activation: .tanh, init: .xavierUniform(gain: 5.0 / 3))), [])
    }

    func testExponentialGrowthOfTheNormIsCaughtBeforeNaN() {
        func record(_ step: Int, _ norm: Double) -> StepRecord {
            StepRecord(step: step, epoch: 0, loss: 1, learningRate: 0.1, totalGradNorm: norm, applied: true, layers: [])
        }
        let growing = (0..<12).map { record($0, pow(2, Double($0))) }  // ×2 per step: 0.3 decades
        let finding = ExplodingGradientDetector().detect(growing)
        XCTAssertEqual(finding?.firstStep, 0)
        XCTAssertEqual(finding!.evidence["log10_norm_slope_per_step"]!, log10(2), accuracy: 1e-12)
        let noisy = (0..<12).map { record($0, $0 % 2 == 0 ? 1 : 50) }
        XCTAssertNil(ExplodingGradientDetector().detect(noisy))
    }

    /// A climb out of a dip (a few saturated batches with a near-zero gradient, as in a linear
    /// model at a too-high learning rate) back to the run's level is not a run-away, however
    /// steep; the same climb from the run's level is.
    func testAClimbOutOfADipIsNotExploding() {
        func record(_ step: Int, _ norm: Double) -> StepRecord {
            StepRecord(step: step, epoch: 0, loss: 1, learningRate: 0.1, totalGradNorm: norm, applied: true, layers: [])
        }
        let level = [0.3, 0.5, 0.2, 0.4, 0.3, 0.6, 0.25, 0.35]
        let climb = [0.004, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0, 2.0]  // 500-fold, rising 9 times in 9
        let dip = (level + climb).enumerated().map { record($0.offset, $0.element) }
        XCTAssertNil(ExplodingGradientDetector().detect(dip), "ends 6× the run's median level")
        let runaway = (level + climb.map { $0 * 100 }).enumerated().map { record($0.offset, $0.element) }
        let finding = ExplodingGradientDetector().detect(runaway)
        XCTAssertEqual(finding?.kind, .explodingGradient, "the same climb ending 600× above the run's level")
    }
}
