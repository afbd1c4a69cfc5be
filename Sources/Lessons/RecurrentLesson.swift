import Foundation
import Layers
import TensorCore

/// RNN against LSTM (Hochreiter & Schmidhuber 1997) and GRU (Cho et al. 2014) over sequence
/// length on two long-range tasks: the Elman RNN's gradient through time, ‖∂L/∂h₁‖/‖∂L/∂h_T‖,
/// vanishes with length and its metric falls to chance, while the gated cells carry the
/// gradient and keep learning.
enum RecurrentLesson {
    static func run(size: LessonSize, seed: UInt64, progress: (String) -> Void) throws -> LessonResult {
        let lengths = size.pick([10, 20], [10, 25, 50, 100], [10, 25, 50, 100, 200])
        let hidden = size.pick(16, 32, 64), samples = size.pick(256, 1000, 2000), epochs = size.pick(3, 12, 30)
        let cells: [(String, RecurrentCell)] = [("RNN", .rnn(nonlinearity: .tanh)), ("LSTM", .lstm), ("GRU", .gru)]
        var rows: [[String]] = [], figures: [LessonFigure] = [], findings: [String: Double] = [:]
        for task in [SequenceTraining.Task.adding, .temporalOrder] {
            var metricSeries: [LessonSeries] = [], ratioSeries: [LessonSeries] = []
            for (name, recurrentCell) in cells {
                var metrics: [Double] = [], ratios: [Double] = []
                for length in lengths {
                    progress("\(task.rawValue), \(name), length \(length)")
                    let run = try SequenceTraining.run(recurrentCell, task: task, length: length, hidden: hidden, samples: samples,
                                                       epochs: epochs, seed: seed)
                    let key = "\(task.rawValue), \(name), length \(length)"
                    findings["\(key): test metric"] = run.metric
                    findings["\(key): chance"] = run.chance
                    findings["\(key): first/last hidden-state gradient"] = run.firstOverLast
                    metrics.append(run.metric)
                    ratios.append(run.firstOverLast)
                    rows.append([task.rawValue, name, String(length), cell(run.metric), cell(run.chance), cell(run.firstOverLast),
                                 run.learned ? "yes" : "no"])
                }
                let x = lengths.map(Double.init)
                metricSeries.append(LessonSeries(name: name, x: x, y: metrics))
                ratioSeries.append(LessonSeries(name: name, x: x, y: ratios))
            }
            let metricName = task == .adding ? "test MSE (chance: the targets' variance)" : "test accuracy (chance 25 %)"
            figures.append(LessonFigure(title: "\(task.rawValue): \(metricName)", xLabel: "sequence length", yLabel: task == .adding ? "MSE" : "accuracy",
                                        series: metricSeries))
            figures.append(LessonFigure(title: "\(task.rawValue): ‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ before training", xLabel: "sequence length",
                                        yLabel: "ratio", logY: true, series: ratioSeries))
        }
        let longest = lengths.last!
        func ratio(_ name: String) -> Double { findings["temporal order, \(name), length \(longest): first/last hidden-state gradient"]! }
        func learnedLongest(_ name: String) -> Int {
            [SequenceTraining.Task.adding, .temporalOrder].filter { task in rows.contains { $0[0] == task.rawValue && $0[1] == name && $0[2] == String(longest) && $0[6] == "yes" } }.count
        }
        let conclusion = "At length \(longest) the gradient reaching the first step is "
            + ["RNN", "LSTM", "GRU"].map { "\(cell(ratio($0))) of the last step's for the \($0)" }.joined(separator: ", ")
            + " (temporal order, before training); the tasks learned at that length (of 2): "
            + ["RNN", "LSTM", "GRU"].map { "\($0) \(learnedLongest($0))" }.joined(separator: ", ") + "."
        return LessonResult(
            name: "recurrent", title: "Through time: RNN against LSTM and GRU",
            question: "Does the plain RNN's gradient vanish over long sequences while LSTM and GRU carry it, and does the metric follow?",
            source: "The source articles' case for gated cells; tasks of Hochreiter & Schmidhuber 1997 (adding) and Pascanu, Mikolov & Bengio 2013 (temporal order).",
            conclusion: conclusion,
            table: LessonTable(columns: ["task", "cell", "length", "test metric", "chance", "‖∂L/∂h₁‖/‖∂L/∂h_T‖", "learned"], rows: rows),
            figures: figures, findings: findings,
            settings: ["hidden": String(hidden), "samples": "\(samples) train, \(Swift.max(samples / 4, 64)) test", "optimizer": "Adam lr 0.01, batch 32",
                       "epochs": String(epochs), "init": "PyTorch's defaults", "seed": String(seed)])
    }
}
