import Foundation
import Initializers
import Optimizers
import TensorCore

/// The initialisation demo: {sigmoid, tanh, ReLU} × {zeros, constant, too small, too large,
/// Xavier, He}, each trained the same way on the digits. Zero and constant weights make every
/// unit of a layer compute the same thing, so they stay identical (symmetry is never broken);
/// too small weights vanish the gradient, too large ones saturate sigmoid/tanh or explode ReLU;
/// Xavier suits sigmoid and tanh, He suits ReLU.
enum InitLesson {
    static func run(size: LessonSize, seed: UInt64, progress: (String) -> Void) throws -> LessonResult {
        let depth = size.pick(4, 6, 10), width = size.pick(16, 32, 64), epochs = size.pick(3, 15, 40)
        let digits = try DigitsTraining(seed: seed)
        let schemes: [(String, Initializer)] = [
            ("zeros", .zeros), ("constant 0.1", .constant(0.1)), ("too small N(0, 0.01²)", .normal(std: 0.01)),
            ("too large N(0, 1)", .normal(std: 1)), ("Xavier", .xavierNormal()), ("He", .kaimingNormal(nonlinearity: .relu)),
        ]
        var rows: [[String]] = [], figures: [LessonFigure] = [], findings: [String: Double] = [:]
        for activation in [Activation.sigmoid, .tanh, .relu] {
            var curves: [LessonSeries] = [], flows: [LessonSeries] = []
            for (name, initializer) in schemes {
                progress("\(activation.name), \(name)")
                let run = try digits.run(
                    .init(depth: depth, width: width, activation: activation, initializer: initializer, biasInitializer: .zeros),
                    epochs: epochs, seed: seed, recordEvery: 5,
                    optimizer: { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9) })
                let key = "\(activation.name), \(name)"
                let identical = run.identicalUnits.last(where: { !$0.contains(where: \.isNaN) }).map { $0.reduce(0, +) / Double(Swift.max($0.count, 1)) } ?? .nan
                findings["\(key): final training loss"] = run.history.epochLosses.last ?? .nan
                findings["\(key): test accuracy"] = run.testAccuracy
                findings["\(key): identical-unit fraction at the end"] = identical
                findings["\(key): first/last layer gradient at step 0"] = run.firstOverLast
                rows.append([activation.name, name, cell(run.history.epochLosses.last ?? .nan), percent(run.testAccuracy),
                             cell(run.firstOverLast), percent(identical)])
                curves.append(LessonSeries(epochLosses: name, run.history))
                if let first = run.gradientNorms.first {
                    flows.append(LessonSeries(name: name, x: (1...first.count).map(Double.init), y: first))
                }
            }
            figures.append(LessonFigure(title: "\(activation.name): training loss per epoch", xLabel: "epoch", yLabel: "cross-entropy", series: curves))
            figures.append(LessonFigure(title: "\(activation.name): ‖∇W‖ per Linear layer at the first step", xLabel: "layer (input side first)",
                                        yLabel: "‖∇W‖", logY: true, series: flows))
        }
        let activations = [Activation.sigmoid, .tanh, .relu]
        func accuracy(_ a: Activation, _ scheme: String) -> Double { findings["\(a.name), \(scheme): test accuracy"]! }
        let best = activations.map { a in (a, schemes.map(\.0).max { accuracy(a, $0) < accuracy(a, $1) }!) }
        // A run that ends at chance (mean loss above 2.2 or not finite, ln 10 = 2.303) did not train.
        let stuck = schemes.map(\.0).filter { scheme in
            activations.allSatisfy { a in !(findings["\(a.name), \(scheme): final training loss"]! < 2.2) }
        }
        let symmetric = schemes.map(\.0).filter { scheme in
            activations.allSatisfy { findings["\($0.name), \(scheme): identical-unit fraction at the end"]! > 0.99 }
        }
        let conclusion = "Best test accuracy: " + best.map { "\($0.0.name) \(percent(accuracy($0.0, $0.1))) with \($0.1)" }.joined(separator: ", ")
            + "; " + (symmetric.isEmpty ? "no initialisation kept its units identical"
                : symmetric.joined(separator: " and ") + " kept every hidden unit identical to the first (symmetry is never broken)")
            + "; " + (stuck.isEmpty ? "every initialisation trained with at least one activation." : stuck.joined(separator: ", ") + " stayed at chance with every activation.")
        return LessonResult(
            name: "init", title: "Initialisation: symmetry, vanishing, exploding",
            question: "How do zeros, a constant, too small, too large, Xavier and He initialisations train with sigmoid, tanh and ReLU?",
            source: "The source articles' initialisation remedies (Xavier: Glorot & Bengio 2010; He: He et al. 2015) and the classic initialisation demo they point to.",
            conclusion: conclusion,
            table: LessonTable(columns: ["activation", "initialisation", "final loss", "test accuracy", "first/last ‖∇W‖ at step 0", "identical units"], rows: rows),
            figures: figures, findings: findings,
            settings: ["model": "\(depth) Linear layers, width \(width), biases 0", "optimizer": "SGD lr 0.05, momentum 0.9, batch 64",
                       "epochs": String(epochs), "data": "embedded digits, 80 % train / 20 % test", "seed": String(seed)])
    }
}
