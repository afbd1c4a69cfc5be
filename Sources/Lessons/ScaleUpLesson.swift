import Foundation
import Autodiff
import Optimizers
import TensorCore

/// The open question of the source articles: can a vanishing gradient be fixed by scaling the
/// small gradients up? Each parameter's gradient rescaled to a fixed norm before an SGD step
/// (`RescaledSGD`), and Adam (which rescales per element, Kingma & Ba 2015), against plain SGD
/// — on a deep sigmoid net whose gradient vanishes, and on a shallow net already near a minimum
/// of the loss, where the gradient is small for the right reason.
enum ScaleUpLesson {
    /// SGD on each parameter's gradient rescaled to norm `target`: p ← p − lr · target · g/‖g‖.
    final class RescaledSGD: Optimizer<Float> {
        let target: Double

        init(parameters: [Variable<Float>], learningRate: Double, target: Double) throws {
            self.target = target
            try super.init(parameters: parameters, learningRate: learningRate, name: "rescaled_sgd")
        }

        override func update(_ index: Int, value: inout Tensor<Float>, gradient: Tensor<Float>) {
            let norm = gradient.l2Norm()
            guard norm > 0, norm.isFinite else { return }
            value = value - gradient * Float(learningRate * target / norm)
        }
    }

    static func run(size: LessonSize, seed: UInt64, progress: (String) -> Void) throws -> LessonResult {
        let depth = size.pick(6, 8, 12), width = size.pick(16, 32, 64), epochs = size.pick(5, 20, 40)
        let digits = try DigitsTraining(seed: seed)
        let optimizers: [(String, ([Variable<Float>]) throws -> Optimizer<Float>)] = [
            ("plain SGD", { try SGD(parameters: $0, learningRate: 0.05) }),
            ("rescaled SGD (‖g‖ → 1 per parameter)", { try RescaledSGD(parameters: $0, learningRate: 0.1, target: 1) }),
            ("Adam", { try Adam(parameters: $0, learningRate: 3e-3) }),
        ]
        var rows: [[String]] = [], deepCurves: [LessonSeries] = [], minimumCurves: [LessonSeries] = [], findings: [String: Double] = [:]
        // 1. A deep sigmoid net: its first layers get almost no gradient.
        for (name, optimizer) in optimizers {
            progress("\(depth)-layer sigmoid net, \(name)")
            let run = try digits.run(.init(depth: depth, width: width, activation: .sigmoid, initializer: nil), epochs: epochs, seed: seed,
                                     recordEvery: 1_000_000, optimizer: optimizer)
            findings["vanishing, \(name): test accuracy"] = run.testAccuracy
            findings["vanishing: first layer ‖∇W‖ at step 0"] = run.gradientNorms.first?.first ?? .nan
            findings["vanishing, \(name): final training loss"] = run.history.epochLosses.last ?? .nan
            rows.append(["\(depth)-layer sigmoid (vanishing)", name, cell(run.history.epochLosses.first ?? .nan),
                         cell(run.history.epochLosses.last ?? .nan), percent(run.testAccuracy)])
            deepCurves.append(LessonSeries(epochLosses: name, run.history))
        }
        // 2. A 2-layer ReLU net trained near a minimum with Adam, then continued by each optimizer.
        progress("2-layer net: training to near a minimum")
        var rng = RandomGenerator(seed: seed &+ 1)
        let network = DigitsTraining.build(.init(depth: 2, width: width * 2, activation: .relu, initializer: nil), using: &rng)
        let warm = try digits.train(network, epochs: epochs * 3, seed: seed, recordEvery: 1_000_000,
                                    optimizer: { try Adam(parameters: $0, learningRate: 1e-2) })
        let start = network.stateDict()
        let startLoss = warm.history.epochLosses.last ?? .nan
        findings["near a minimum: training loss before"] = startLoss
        for (name, optimizer) in optimizers {
            progress("near a minimum, \(name)")
            try network.loadStateDict(start)
            let run = try digits.train(network, epochs: epochs, seed: seed &+ 7, recordEvery: 1_000_000, optimizer: optimizer)
            findings["near a minimum, \(name): final training loss"] = run.history.epochLosses.last ?? .nan
            findings["near a minimum: first layer ‖∇W‖ at step 0"] = run.gradientNorms.first?.first ?? .nan
            findings["near a minimum, \(name): test accuracy"] = run.testAccuracy
            rows.append(["2-layer ReLU near a minimum", name, cell(startLoss), cell(run.history.epochLosses.last ?? .nan), percent(run.testAccuracy)])
            minimumCurves.append(LessonSeries(epochLosses: name, run.history))
        }
        let rescaled = optimizers[1].0
        let (plainDeep, rescaledDeep, adamDeep) = (findings["vanishing, plain SGD: test accuracy"]!, findings["vanishing, \(rescaled): test accuracy"]!,
                                                   findings["vanishing, Adam: test accuracy"]!)
        let (plainMin, rescaledMin) = (findings["near a minimum, plain SGD: final training loss"]!, findings["near a minimum, \(rescaled): final training loss"]!)
        let (plainMinAccuracy, rescaledMinAccuracy) = (findings["near a minimum, plain SGD: test accuracy"]!, findings["near a minimum, \(rescaled): test accuracy"]!)
        let help = rescaledDeep >= 0.8 ? "does train the vanishing net" : rescaledDeep > plainDeep + 0.05 ? "helps the vanishing net only partly" : "did not rescue the vanishing net"
        let (vanishingGradient, minimumGradient) = (findings["vanishing: first layer ‖∇W‖ at step 0"]!, findings["near a minimum: first layer ‖∇W‖ at step 0"]!)
        let conclusion = "Scaling the gradient up \(help)"
            + String(format: " (test accuracy %.1f %% against %.1f %% for plain SGD; Adam %.1f %%)", 100 * rescaledDeep, 100 * plainDeep, 100 * adamDeep)
            + ", and it cannot tell a vanishing gradient from a minimum: the first layer's ‖∇W‖ is \(cell(vanishingGradient)) in the vanishing net and \(cell(minimumGradient)) near a minimum, and the rule scales both to the same step"
            + String(format: " — near the minimum it moved the training loss from %@ to %@ (plain SGD %@) and test accuracy to %.1f %% (plain SGD %.1f %%).",
                     cell(startLoss), cell(rescaledMin), cell(plainMin), 100 * rescaledMinAccuracy, 100 * plainMinAccuracy)
        return LessonResult(
            name: "scale-up", title: "Can scaling small gradients up fix vanishing?",
            question: "If the gradient vanishes, why not scale it up? Does that train a vanishing net, and what does it do near a minimum, where the gradient is small for the right reason?",
            source: "The open question of the source articles on vanishing gradients; Adam (Kingma & Ba 2015) as the per-element rescaling practitioners use.",
            conclusion: conclusion,
            table: LessonTable(columns: ["network", "optimizer", "loss before", "loss after", "test accuracy"], rows: rows),
            figures: [
                LessonFigure(title: "Vanishing: \(depth)-layer sigmoid net", xLabel: "epoch", yLabel: "cross-entropy", series: deepCurves),
                LessonFigure(title: "Near a minimum: continuing a trained 2-layer net", xLabel: "epoch", yLabel: "cross-entropy", logY: true, series: minimumCurves),
            ],
            findings: findings,
            settings: ["deep net": "\(depth) Linear layers, width \(width), sigmoid, PyTorch's init", "near a minimum": "2 Linear layers, width \(width * 2), ReLU, \(epochs * 3) epochs of Adam lr 0.01 first",
                       "optimizers": "SGD lr 0.05; rescaled SGD lr 0.1, each parameter's ‖g‖ → 1; Adam lr 0.003", "epochs": String(epochs), "seed": String(seed)])
    }
}
