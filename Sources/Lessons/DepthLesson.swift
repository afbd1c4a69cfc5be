import Foundation
import Initializers
import Optimizers
import TensorCore

/// The opening claim of the source articles: a deeper network can train worse, because the
/// gradient reaching its first layers vanishes. Test accuracy and the first/last layer
/// gradient ratio over depth for plain sigmoid, plain ReLU (PyTorch's default init), ReLU with
/// He's init, with BatchNorm (Ioffe & Szegedy 2015) and with residual blocks (He et al. 2016)
/// whose branches start scaled by 1/√depth (Zhang, Dauphin & Ma 2019, "Fixup").
enum DepthLesson {
    static func run(size: LessonSize, seed: UInt64, progress: (String) -> Void) throws -> LessonResult {
        let depths = size.pick([2, 4, 8], [2, 5, 10, 20, 30, 50], [2, 5, 10, 20, 30, 50, 80])
        let width = size.pick(16, 32, 64), epochs = size.pick(3, 8, 20)
        let digits = try DigitsTraining(seed: seed)
        let he = Initializer.kaimingNormal(nonlinearity: .relu)
        let configurations: [(String, (Int) -> DigitsTraining.Model)] = [
            ("sigmoid", { .init(depth: $0, width: width, activation: .sigmoid, initializer: nil) }),
            ("ReLU", { .init(depth: $0, width: width, activation: .relu, initializer: nil) }),
            ("ReLU + He", { .init(depth: $0, width: width, activation: .relu, initializer: he, biasInitializer: .zeros) }),
            ("ReLU + He + BatchNorm", { .init(depth: $0, width: width, activation: .relu, initializer: he, biasInitializer: .zeros, batchNorm: true) }),
            // Each block adds its branch's variance, so the branch starts scaled by 1/√depth (as
            // Fixup, Zhang et al. 2019, does): with plain He branches the sum explodes.
            ("ReLU + He + residual", {
                .init(depth: $0, width: width, activation: .relu, initializer: he, biasInitializer: .zeros, residual: true,
                      branchInitializer: .normal(std: (2 / Double(width)).squareRoot() / Double($0).squareRoot()))
            }),
        ]
        var rows: [[String]] = [], accuracy: [LessonSeries] = [], ratios: [LessonSeries] = [], findings: [String: Double] = [:]
        let x = depths.map(Double.init)
        for (name, model) in configurations {
            var accuracies: [Double] = [], firstOverLast: [Double] = []
            for depth in depths {
                progress("\(name), \(depth) layers")
                let run = try digits.run(model(depth), epochs: epochs, seed: seed, recordEvery: 1_000_000,
                                         optimizer: { try SGD(parameters: $0, learningRate: 0.02, momentum: 0.9) })
                accuracies.append(run.testAccuracy)
                firstOverLast.append(run.firstOverLast)
                findings["\(name), \(depth) layers: test accuracy"] = run.testAccuracy
                findings["\(name), \(depth) layers: first/last layer gradient at step 0"] = run.firstOverLast
            }
            rows.append([name] + accuracies.map(percent))
            accuracy.append(LessonSeries(name: name, x: x, y: accuracies))
            ratios.append(LessonSeries(name: name, x: x, y: firstOverLast))
        }
        // For each configuration, the deepest net that still reaches 80 % test accuracy.
        let reach = configurations.map { name, _ in
            (name, depths.last { findings["\(name), \($0) layers: test accuracy"]! >= 0.8 })
        }
        let deepest = depths.last!
        let conclusion = "Deepest net with at least 80 % test accuracy: "
            + reach.map { "\($0.0) \($0.1.map { "\($0) layers" } ?? "none")" }.joined(separator: ", ")
            + String(format: "; at %d layers plain sigmoid's first layer gets %@ of the last one's gradient — depth alone makes the plain net train worse, and each remedy pushes the usable depth further.",
                     deepest, cell(findings["sigmoid, \(deepest) layers: first/last layer gradient at step 0"]!))
        return LessonResult(
            name: "depth", title: "Deeper trains worse — until the remedies",
            question: "Does test accuracy fall with depth for a plain net, and do He init, BatchNorm and residual connections hold it up?",
            source: "The source articles' opening claim (a deeper network trains worse: vanishing gradients), with the remedies they list.",
            conclusion: conclusion,
            table: LessonTable(columns: ["configuration"] + depths.map { "\($0) layers" }, rows: rows),
            figures: [
                LessonFigure(title: "Test accuracy against depth", xLabel: "Linear layers", yLabel: "test accuracy", series: accuracy),
                LessonFigure(title: "First/last layer ‖∇W‖ at the first step", xLabel: "Linear layers", yLabel: "ratio", logY: true, series: ratios),
            ],
            findings: findings,
            settings: ["width": String(width), "optimizer": "SGD lr 0.02, momentum 0.9, batch 64", "epochs": String(epochs),
                       "data": "embedded digits, 80 % train / 20 % test", "seed": String(seed)])
    }
}
