import ArgumentParser
import Foundation
import GradGuard

/// `gradguard evaluate RUN_FOLDER [DATA]`: a trained model's loss, accuracy and confusion matrix.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a trained run's model: loss, accuracy and the confusion matrix.",
        discussion: """
            Rebuilds the run's experiment from its folder (the same seed gives the same splits and \
            feature scaling), loads its weights and scores the test set, another split (--split), \
            or every sample of DATA: an experiment file, or a file holding only a "data" object \
            (docs/experiment-format.md), scaled as the training data was. On the test set with the \
            final weights it reproduces the run's final test metrics.
            """)

    @OptionGroup var saved: SavedRunOptions
    @Argument(help: "A file whose \"data\" object names the samples to score (default: the run's own split).") var data: String?
    @Option(help: "The run's own split to score: train, validation or test.") var split = "test"
    @Flag(help: "Print JSON (loss, accuracy, samples, confusion) instead of text.") var json = false

    func validate() throws {
        guard SavedRun.Split(rawValue: split) != nil else { throw ValidationError("--split must be train, validation or test, got \(split)") }
        if data != nil, split != "test" { throw ValidationError("give DATA or --split, not both") }
    }

    func run() throws {
        let run = try saved.open()
        let set: InMemoryDataset<Float>
        do { set = try data.map { try run.data(file: $0) } ?? run.data(SavedRun.Split(rawValue: split)!) } catch { throw CLIError("\(error)") }
        let result = run.evaluate(set)
        let what = data ?? "the \(split) set"
        if json {
            let document = EvaluationDocument(data: what, weights: run.weightsPath, samples: set.count, loss: result.loss,
                                              accuracy: result.accuracy, confusion: result.confusion?.counts)
            print(String(decoding: try JSONEncoder.gradGuard(pretty: true).encode(document), as: UTF8.self))
            return
        }
        print("evaluate \(run.setup.experiment.name) (\(run.weightsPath)) on \(what): \(set.count) samples")
        print("loss \(show(result.loss)), accuracy \(percent(result.accuracy))")
        if let confusion = result.confusion { print(Self.table(confusion, names: run.classNames ?? [])) }
    }

    /// The confusion matrix as aligned text, with each class's recall and the commonest mistake.
    static func table(_ m: ConfusionMatrix, names: [String]) -> String {
        let label = { (i: Int) in i < names.count ? names[i] : "\(i)" }
        let width = max(4, (0..<m.classes).map { label($0).count }.max() ?? 1, String(m.counts.flatMap { $0 }.max() ?? 0).count)
        func pad(_ s: String) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        var lines = ["confusion matrix (rows: true class, columns: predicted)",
                     pad("") + " " + (0..<m.classes).map { pad(label($0)) }.joined(separator: " ") + "  recall"]
        for i in 0..<m.classes {
            lines.append(pad(label(i)) + " " + m.counts[i].map { pad("\($0)") }.joined(separator: " ") + "  " + percent(m.recall[i]))
        }
        if let mistake = m.commonestMistake {
            lines.append("commonest mistake: \(label(mistake.trueClass)) taken for \(label(mistake.predicted)) (\(mistake.count) times)")
        }
        return lines.joined(separator: "\n")
    }
}

/// `evaluate --json`'s document.
struct EvaluationDocument: Encodable {
    let data: String
    let weights: String
    let samples: Int
    let loss: Double
    let accuracy: Double?
    /// `confusion[true][predicted]`.
    let confusion: [[Int]]?
}
