import Foundation
import Datasets
import Initializers
import Layers
import Losses
import Optimizers
import TensorCore
import Training

/// He, Zhang, Ren & Sun (2015), "Delving Deep into Rectifiers", Fig. 3: a 30-layer ReLU network
/// initialised with Xavier's variance 1/fan_in·… (Glorot & Bengio 2010) stalls, because each
/// ReLU layer halves the signal's variance; with He's 2/fan_in it converges. Here on the
/// embedded digits (64 features, 10 classes), the same net and data order for both, SGD with
/// momentum; training loss per epoch and the test accuracy.
enum He2015Lesson {
    static func run(size: LessonSize, seed: UInt64, progress: (String) -> Void) throws -> LessonResult {
        let depth = size.pick(12, 30, 30), width = size.pick(32, 64, 128), epochs = size.pick(4, 40, 100)
        let (inputs, targets) = try Digits.load(as: Float.self)
        var splitter = RandomGenerator(seed: seed)
        let (train, test) = InMemoryDataset(inputs: inputs, targets: targets).split(testFraction: 0.2, using: &splitter)
        let schemes: [(String, Initializer)] = [
            ("Xavier (Glorot & Bengio 2010)", .xavierNormal()),
            ("He (He et al. 2015)", .kaimingNormal(nonlinearity: .relu)),
        ]
        var rows: [[String]] = [], curves: [LessonSeries] = [], findings: [String: Double] = [:]
        for (name, initializer) in schemes {
            progress("\(depth)-layer ReLU net, \(name)")
            var rng = RandomGenerator(seed: seed &+ 1)
            var layers: [Module<Float>] = []
            for i in 0..<depth {
                layers.append(Linear(i == 0 ? Digits.featureCount : width, i == depth - 1 ? 10 : width,
                                     weightInitializer: initializer, biasInitializer: .zeros, using: &rng))
                if i < depth - 1 { layers.append(ActivationLayer(.relu)) }
            }
            let model = Sequential<Float>(layers)
            let trainer = try Trainer(
                model: model, loss: .crossEntropy,
                optimizer: try SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9))
            var order = RandomGenerator(seed: seed &+ 2)
            let history = try trainer.train(on: train, epochs: epochs, batchSize: 64, using: &order)
            let evaluation = trainer.evaluate(on: test)
            let accuracy = evaluation.accuracy ?? .nan
            let short = name.components(separatedBy: " ").first!
            findings["\(short): final training loss"] = history.epochLosses.last ?? .nan
            findings["\(short): test accuracy"] = accuracy
            rows.append([name, String(format: "%.3f", history.epochLosses.first ?? .nan), String(format: "%.3f", history.epochLosses.last ?? .nan),
                         String(format: "%.1f %%", 100 * accuracy)])
            curves.append(LessonSeries(name: name, x: (1...history.epochLosses.count).map(Double.init), y: history.epochLosses))
        }
        let (xavierLoss, heLoss) = (findings["Xavier: final training loss"]!, findings["He: final training loss"]!)
        let (xavierAccuracy, heAccuracy) = (findings["Xavier: test accuracy"]!, findings["He: test accuracy"]!)
        let verdict = heLoss < xavierLoss ? "He's initialisation trains the \(depth)-layer ReLU net and Xavier's lags" : "here Xavier's initialisation did as well as He's"
        let conclusion = String(
            format: "%@: after %d epochs the training loss is %.3f with He against %.3f with Xavier (ln 10 = 2.303 is chance), test accuracy %.1f %% against %.1f %%.",
            verdict, epochs, heLoss, xavierLoss, 100 * heAccuracy, 100 * xavierAccuracy)
        return LessonResult(
            name: "he2015", title: "He et al. 2015: deep ReLU nets need He's initialisation",
            question: "Does a \(depth)-layer ReLU network stall with Xavier's initialisation and converge with He's?",
            source: "K. He, X. Zhang, S. Ren, J. Sun, \"Delving Deep into Rectifiers\", ICCV 2015, Fig. 3 (30-layer model).",
            conclusion: conclusion,
            table: LessonTable(columns: ["initialisation", "first-epoch loss", "last-epoch loss", "test accuracy"], rows: rows),
            figures: [LessonFigure(title: "Training loss per epoch", xLabel: "epoch", yLabel: "cross-entropy", series: curves)],
            findings: findings,
            settings: ["model": "\(depth) Linear layers, width \(width), ReLU, biases 0", "data": "embedded digits, 80 % train / 20 % test",
                       "optimizer": "SGD lr 0.01, momentum 0.9, batch 64", "epochs": String(epochs), "seed": String(seed)])
    }
}
