import Foundation
import Initializers
import Monitor
import Optimizers
import TensorCore

/// Glorot & Bengio (2010), "Understanding the difficulty of training deep feedforward neural
/// networks": with the standard initialisation U(±1/√n), a sigmoid net's top hidden layer is
/// driven into saturation (its mean activation falls towards 0) early in training (their
/// Fig. 2); in a tanh net the activations' spread and the back-propagated gradients change from
/// layer to layer with the standard initialisation and stay alike across layers with the
/// normalised one, U(±√(6/(n_in + n_out))) (Figs. 6 and 7). Four hidden layers, on the digits.
enum Glorot2010Lesson {
    static func run(size: LessonSize, seed: UInt64, progress: (String) -> Void) throws -> LessonResult {
        let width = size.pick(32, 64, 128), epochs = size.pick(4, 20, 50), every = size.pick(5, 10, 20)
        let digits = try DigitsTraining(seed: seed)
        var rows: [[String]] = [], figures: [LessonFigure] = [], findings: [String: Double] = [:]
        // Fig. 2: sigmoid, standard init; the mean activation of each hidden layer over training.
        progress("sigmoid, standard initialisation: activations over training")
        let sigmoid = try digits.run(.init(depth: 5, width: width, activation: .sigmoid, initializer: nil, biasInitializer: .zeros),
                                     epochs: epochs, seed: seed, recordEvery: every,
                                     optimizer: { try SGD(parameters: $0, learningRate: 0.1) })
        let steps = sigmoid.records.map { Double($0.step) }
        let means = hiddenLayers(sigmoid.records).map { layer in layer.map(\.activationMean) }
        figures.append(LessonFigure(
            title: "Fig. 2: mean sigmoid activation of each hidden layer over training (standard init)", xLabel: "step", yLabel: "mean activation",
            series: means.enumerated().map { LessonSeries(name: "hidden layer \($0.offset + 1)", x: steps, y: $0.element) }))
        let top = means.last!
        findings["sigmoid: top hidden layer mean activation at the start"] = top.first!
        findings["sigmoid: top hidden layer lowest mean activation"] = top.min()!
        findings["sigmoid: first hidden layer mean activation at the start"] = means.first!.first!
        rows.append(["sigmoid, standard", "top hidden layer mean activation", cell(top.first!), "lowest \(cell(top.min()!)) at step \(Int(steps[top.firstIndex(of: top.min()!)!]))",
                     "first hidden layer: \(cell(means.first!.first!))"])
        // Figs. 6 and 7: tanh, standard against normalised init, at the first step.
        var spreads: [LessonSeries] = [], gradients: [LessonSeries] = []
        for (name, initializer) in [("standard U(±1/√n)", Initializer?.none), ("normalised (Xavier)", .xavierUniform())] {
            progress("tanh, \(name): activations and gradients per layer")
            let run = try digits.run(.init(depth: 5, width: width, activation: .tanh, initializer: initializer, biasInitializer: .zeros),
                                     epochs: 1, seed: seed, recordEvery: 1_000_000,
                                     optimizer: { try SGD(parameters: $0, learningRate: 0.01) })
            let first = hiddenLayers(Array(run.records.prefix(1))).map { $0[0] }
            let std = first.map(\.activationStd), gradient = first.map { $0.outputGradNorm ?? .nan }
            let layers = (1...first.count).map(Double.init)
            spreads.append(LessonSeries(name: name, x: layers, y: std))
            gradients.append(LessonSeries(name: name, x: layers, y: gradient))
            let spreadRatio = std.last! / std.first!, gradientRatio = gradient.first! / gradient.last!
            findings["tanh, \(name): activation std, last/first hidden layer"] = spreadRatio
            findings["tanh, \(name): back-propagated gradient, first/last hidden layer"] = gradientRatio
            rows.append(["tanh, \(name)", "activation std by layer", std.map(cell).joined(separator: " → "),
                         "last/first \(cell(spreadRatio))", "gradient first/last \(cell(gradientRatio))"])
        }
        figures.append(LessonFigure(title: "Fig. 6: spread (std) of each hidden layer's tanh activations at initialisation", xLabel: "hidden layer",
                                    yLabel: "activation std", series: spreads))
        figures.append(LessonFigure(title: "Fig. 7: back-propagated gradient ‖∂L/∂a‖ at each hidden layer, first step", xLabel: "hidden layer",
                                    yLabel: "‖∂L/∂a‖", logY: true, series: gradients))
        let (standard, normalised) = ("standard U(±1/√n)", "normalised (Xavier)")
        func spread(_ n: String) -> Double { findings["tanh, \(n): activation std, last/first hidden layer"]! }
        let saturates = findings["sigmoid: top hidden layer lowest mean activation"]! < findings["sigmoid: top hidden layer mean activation at the start"]! - 0.1
        let conclusion = (saturates ? "The top sigmoid layer is pushed towards saturation at 0" : "The top sigmoid layer was not pushed towards 0 here")
            + " (its mean activation goes from \(cell(findings["sigmoid: top hidden layer mean activation at the start"]!)) to \(cell(findings["sigmoid: top hidden layer lowest mean activation"]!)))"
            + "; with tanh the activations' spread from the first to the last hidden layer changes by a factor \(cell(spread(standard))) with the standard initialisation and \(cell(spread(normalised))) with the normalised one."
        return LessonResult(
            name: "glorot2010", title: "Glorot & Bengio 2010: saturation and the normalised initialisation",
            question: "Does the top sigmoid layer saturate early with the standard initialisation, and does the normalised initialisation keep activations and gradients alike across layers?",
            source: "X. Glorot, Y. Bengio, \"Understanding the difficulty of training deep feedforward neural networks\", AISTATS 2010, Figs. 2, 6, 7.",
            conclusion: conclusion,
            table: LessonTable(columns: ["network", "quantity", "values", "summary", "also"], rows: rows),
            figures: figures, findings: findings,
            settings: ["model": "4 hidden layers of \(width) + output, biases 0", "data": "embedded digits", "sigmoid run": "SGD lr 0.1, \(epochs) epochs, recorded every \(every) steps",
                       "standard init": "U(±1/√fan_in) (PyTorch's Linear default)", "normalised init": "U(±√(6/(fan_in + fan_out)))", "seed": String(seed)])
    }

    /// Per hidden activation layer (not Linear, not the output), its records over the steps.
    static func hiddenLayers(_ records: [StepRecord]) -> [[LayerRecord]] {
        guard let first = records.first else { return [] }
        let paths = first.layers.filter { !$0.kind.hasPrefix("Linear") }.map(\.path)
        return paths.map { path in records.compactMap { $0.layers.first { $0.path == path } } }
    }
}
