import Foundation
import Initializers
import Optimizers
import TensorCore

/// He, Zhang, Ren & Sun (2015), "Delving Deep into Rectifiers", Fig. 3: a 30-layer ReLU network
/// initialised with Xavier's variance 1/fan_in·… (Glorot & Bengio 2010) stalls, because each
/// ReLU layer halves the signal's variance; with He's 2/fan_in it converges. Here on the
/// embedded digits (64 features, 10 classes), the same net and data order for both, SGD with
/// momentum; training loss per epoch and the test accuracy.
enum He2015Lesson {
    static func run(size: LessonSize, seed: UInt64, progress: (String) -> Void) throws -> LessonResult {
        let depth = size.pick(12, 30, 30), width = size.pick(32, 64, 128), epochs = size.pick(4, 40, 100)
        let digits = try DigitsTraining(seed: seed)
        let schemes: [(String, Initializer)] = [
            ("Xavier (Glorot & Bengio 2010)", .xavierNormal()),
            ("He (He et al. 2015)", .kaimingNormal(nonlinearity: .relu)),
        ]
        var rows: [[String]] = [], curves: [LessonSeries] = [], findings: [String: Double] = [:]
        for (name, initializer) in schemes {
            progress("\(depth)-layer ReLU net, \(name)")
            let run = try digits.run(
                .init(depth: depth, width: width, activation: .relu, initializer: initializer, biasInitializer: .zeros),
                epochs: epochs, seed: seed, optimizer: { try SGD(parameters: $0, learningRate: 0.01, momentum: 0.9) })
            let history = run.history
            let short = name.components(separatedBy: " ").first!
            findings["\(short): final training loss"] = history.epochLosses.last ?? .nan
            findings["\(short): test accuracy"] = run.testAccuracy
            findings["\(short): first/last layer gradient at step 0"] = run.firstOverLast
            // The first epoch whose mean loss is clearly below chance (ln 10 = 2.303); 0: never.
            let leaves = history.epochLosses.firstIndex { $0 < 2.0 }.map { $0 + 1 } ?? 0
            findings["\(short): first epoch with loss below 2.0"] = Double(leaves)
            rows.append([name, leaves == 0 ? "never" : String(leaves), cell(history.epochLosses.last ?? .nan),
                         percent(run.testAccuracy), cell(run.firstOverLast)])
            curves.append(LessonSeries(epochLosses: name, history))
        }
        let (xavierLoss, heLoss) = (findings["Xavier: final training loss"]!, findings["He: final training loss"]!)
        let (xavierStart, heStart) = (Int(findings["Xavier: first epoch with loss below 2.0"]!), Int(findings["He: first epoch with loss below 2.0"]!))
        func when(_ epoch: Int) -> String { epoch == 0 ? "never left chance in \(epochs) epochs" : "left chance (loss < 2.0) in epoch \(epoch)" }
        let heFirst = heStart > 0 && (xavierStart == 0 || heStart < xavierStart)
        let conclusion = (heFirst ? "He's initialisation trains the \(depth)-layer ReLU net first and Xavier's stalls: " : "Here Xavier's initialisation did not stall behind He's: ")
            + "with He the loss \(when(heStart)), with Xavier it \(when(xavierStart)); after \(epochs) epochs "
            + String(format: "%.3f against %.3f (ln 10 = 2.303 is chance).", heLoss, xavierLoss)
        return LessonResult(
            name: "he2015", title: "He et al. 2015: deep ReLU nets need He's initialisation",
            question: "Does a \(depth)-layer ReLU network stall with Xavier's initialisation and converge with He's?",
            source: "K. He, X. Zhang, S. Ren, J. Sun, \"Delving Deep into Rectifiers\", ICCV 2015, Fig. 3 (30-layer model).",
            conclusion: conclusion,
            table: LessonTable(columns: ["initialisation", "first epoch with loss < 2.0", "last-epoch loss", "test accuracy", "first/last layer ‖∇W‖ at step 0"], rows: rows),
            figures: [LessonFigure(title: "Training loss per epoch", xLabel: "epoch", yLabel: "cross-entropy", series: curves)],
            findings: findings,
            settings: ["model": "\(depth) Linear layers, width \(width), ReLU, biases 0", "data": "embedded digits, 80 % train / 20 % test",
                       "optimizer": "SGD lr 0.01, momentum 0.9, batch 64", "epochs": String(epochs), "seed": String(seed)])
    }
}
