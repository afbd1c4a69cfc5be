import Foundation
import Initializers
import Layers
import Optimizers
import TensorCore

/// Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural networks":
/// on the temporal-order task, a tanh RNN whose recurrent weight starts with spectral radius
/// above 1 meets exploding gradients; plain SGD then fails, and the same run with the gradient's
/// norm clipped (their Algorithm 1) trains at the same length and learning rate.
enum Pascanu2013Lesson {
    static func run(size: LessonSize, seed: UInt64, progress: (String) -> Void) throws -> LessonResult {
        let length = size.pick(30, 30, 60), hidden = size.pick(50, 50, 50), samples = size.pick(1000, 2000, 4000)
        let epochs = size.pick(20, 20, 40), radius = 1.5, learningRate = 0.01
        let settings: [(String, ClipRule?)] = [("no clipping", nil), ("norm clipped at 1", .norm(maxNorm: 1))]
        var rows: [[String]] = [], curves: [LessonSeries] = [], findings: [String: Double] = [:]
        for (name, rule) in settings {
            progress("temporal order, length \(length), \(name)")
            let run = try SequenceTraining.run(
                .rnn(nonlinearity: .tanh), task: .temporalOrder, length: length, hidden: hidden, samples: samples, epochs: epochs,
                seed: seed, recurrentInitializer: .orthogonal(gain: radius), clip: rule,
                optimizer: { try SGD(parameters: $0, learningRate: learningRate, momentum: 0.9) })
            findings["\(name): test accuracy"] = run.metric
            findings["\(name): largest gradient norm"] = run.clipping.largestNorm
            findings["\(name): clipped steps"] = Double(run.clipping.clippedSteps)
            findings["\(name): skipped steps"] = Double(run.clipping.skippedSteps)
            findings["\(name): final training loss"] = run.history.epochLosses.last ?? .nan
            rows.append([name, percent(run.metric), cell(run.history.epochLosses.last ?? .nan), cell(run.clipping.largestNorm),
                         "\(run.clipping.clippedSteps) of \(run.clipping.steps)", String(run.clipping.skippedSteps)])
            curves.append(LessonSeries(epochLosses: name, run.history))
        }
        let (plain, clipped) = (findings["no clipping: test accuracy"]!, findings["norm clipped at 1: test accuracy"]!)
        let verdict = clipped > plain + 0.1 ? "Clipping the gradient's norm lets the RNN train where plain SGD fails" :
            clipped > plain ? "Clipping helps, but by less than 10 points here" : "Here clipping did not help"
        let conclusion = verdict + String(
            format: ": test accuracy %.1f %% with clipping against %.1f %% without (chance 25 %%), at length %d; the largest gradient norm was %@ (%d of the steps clipped).",
            100 * clipped, 100 * plain, length, cell(findings["no clipping: largest gradient norm"]!),
            Int(findings["norm clipped at 1: clipped steps"]!))
        return LessonResult(
            name: "pascanu2013", title: "Pascanu et al. 2013: clipping tames exploding gradients in an RNN",
            question: "On the temporal-order task, does a tanh RNN with an exploding recurrent weight train with norm clipping and fail without it?",
            source: "R. Pascanu, T. Mikolov, Y. Bengio, \"On the difficulty of training recurrent neural networks\", ICML 2013 (Algorithm 1; temporal-order task).",
            conclusion: conclusion,
            table: LessonTable(columns: ["run", "test accuracy", "final loss", "largest ‖∇‖", "clipped steps", "skipped (non-finite)"], rows: rows),
            figures: [LessonFigure(title: "Training loss per epoch", xLabel: "epoch", yLabel: "cross-entropy", series: curves)],
            findings: findings,
            settings: ["model": "tanh RNN, hidden \(hidden), W_hh orthogonal × \(radius)", "task": "temporal order, length \(length), \(samples) samples",
                       "optimizer": "SGD lr \(learningRate), momentum 0.9, batch 32", "epochs": String(epochs), "seed": String(seed)])
    }
}
