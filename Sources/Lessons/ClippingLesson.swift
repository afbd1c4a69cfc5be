import Foundation
import Initializers
import Optimizers
import TensorCore

/// Gradient clipping by value (each element clamped to ±c), by the global L2 norm
/// (g ← g·min(1, c/‖g‖), PyTorch's `clip_grad_norm_`) and per parameter (each parameter's own
/// norm, as the source articles' GradClip does), on a net whose gradient explodes: a deep ReLU
/// net with too large an initialisation and a high learning rate. Metric, and how often and
/// how much each rule clipped.
enum ClippingLesson {
    static func run(size: LessonSize, seed: UInt64, progress: (String) -> Void) throws -> LessonResult {
        let depth = size.pick(6, 8, 12), width = size.pick(32, 64, 128), epochs = size.pick(3, 10, 25)
        let digits = try DigitsTraining(seed: seed)
        let rules: [(String, ClipRule?)] = [
            ("none", nil), ("by value, ±0.1", .value(clipValue: 0.1)), ("global norm, 1", .norm(maxNorm: 1)),
            ("per parameter, 1", .perParameter(maxNorm: 1)),
        ]
        // Twice He's standard deviation, 2·√(2/width): each layer multiplies the gradient by about 2.
        let model = DigitsTraining.Model(depth: depth, width: width, activation: .relu,
                                         initializer: .normal(std: 2 * (2 / Double(width)).squareRoot()), biasInitializer: .zeros)
        var rows: [[String]] = [], curves: [LessonSeries] = [], findings: [String: Double] = [:]
        for (name, rule) in rules {
            progress("\(depth)-layer ReLU net, clipping \(name)")
            let run = try digits.run(model, epochs: epochs, seed: seed, recordEvery: 1_000_000,
                                     optimizer: { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9) }, clip: rule)
            let c = run.clipping
            findings["\(name): test accuracy"] = run.testAccuracy
            findings["\(name): final training loss"] = run.history.epochLosses.last ?? .nan
            findings["\(name): clipped fraction of steps"] = Double(c.clippedSteps) / Double(Swift.max(c.steps, 1))
            findings["\(name): mean scale"] = c.meanScale
            findings["\(name): largest gradient norm"] = c.largestNorm
            findings["\(name): skipped (non-finite) steps"] = Double(c.skippedSteps)
            rows.append([name, percent(run.testAccuracy), cell(run.history.epochLosses.last ?? .nan),
                         "\(c.clippedSteps) of \(c.steps)", cell(c.meanScale), cell(c.largestNorm), String(c.skippedSteps)])
            curves.append(LessonSeries(epochLosses: name, run.history))
        }
        let best = rules.map(\.0).max { findings["\($0): test accuracy"]! < findings["\($1): test accuracy"]! }!
        let conclusion = String(
            format: "Without clipping the exploding net reaches %.1f %% test accuracy (largest gradient norm %@, %d steps skipped as non-finite); the best rule here is %@ with %.1f %%, clipping %.0f %% of the steps.",
            100 * findings["none: test accuracy"]!, cell(findings["none: largest gradient norm"]!), Int(findings["none: skipped (non-finite) steps"]!),
            best, 100 * findings["\(best): test accuracy"]!, 100 * findings["\(best): clipped fraction of steps"]!)
        return LessonResult(
            name: "clipping", title: "Clipping an exploding gradient: by value, by norm, per parameter",
            question: "On a net whose gradient explodes, what do value, global-norm and per-parameter clipping do to training, and how often and how hard do they clip?",
            source: "The source articles' gradient clipping (threshold on the gradient; the GradClip listing clips each parameter's norm) and PyTorch's clip_grad_norm_ / clip_grad_value_.",
            conclusion: conclusion,
            table: LessonTable(columns: ["clipping", "test accuracy", "final loss", "clipped steps", "mean scale", "largest ‖∇‖", "skipped"], rows: rows),
            figures: [LessonFigure(title: "Training loss per epoch", xLabel: "epoch", yLabel: "cross-entropy", logY: true, series: curves)],
            findings: findings,
            settings: ["model": "\(depth) Linear layers, width \(width), ReLU, init N(0, 4·2/width) (twice He's standard deviation), biases 0",
                       "optimizer": "SGD lr 0.05, momentum 0.9, batch 64; a non-finite gradient skips the step", "epochs": String(epochs), "seed": String(seed),
                       "not measured": "GradClip's learning-rate update (lr ← lr · min 1/c over every clip it ever made, for every parameter): it only grows the rate, undoing the clipping"])
    }
}
