import ArgumentParser
import Foundation
import GradGuard

/// `gradguard lr-find [FILE]`: Smith's learning-rate range test on an experiment.
struct LearningRateFindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lr-find",
        abstract: "Find a learning rate: Smith's range test (loss against a geometrically growing rate).",
        discussion: """
            Trains a fresh copy of the experiment for --steps steps while the learning rate grows \
            from --min to --max, prints the loss along the way and suggests a tenth of the rate \
            at the lowest smoothed loss (Smith 2017, "Cyclical Learning Rates for Training Neural \
            Networks"). Writes FOLDER/lr-find.html (the curve) and FOLDER/lr-find.json.
            """)

    @Argument(help: "The experiment file (JSON, or YAML as .yaml/.yml; see docs/experiment-format.md); default: the built-in example.") var file: String?
    @OptionGroup var overrideOptions: OverrideOptions
    @Option(help: "Steps of the test.") var steps = 100
    @Option(name: .customLong("min"), help: "The smallest rate tried.") var minimum = 1e-5
    @Option(name: .customLong("max"), help: "The largest rate tried.") var maximum = 10.0
    @Option(help: "Folder for lr-find.html and lr-find.json.") var out = "."
    @Flag(help: "Print the JSON document instead of the table.") var json = false

    func validate() throws {
        guard steps >= 2 && steps <= 100_000 else { throw ValidationError("--steps must be between 2 and 100000, got \(steps)") }
        guard minimum > 0, maximum > minimum, maximum.isFinite else {
            throw ValidationError("--min and --max must satisfy 0 < min < max, got \(minimum) and \(maximum)")
        }
    }

    func run() throws {
        let (experiment, _) = try ExperimentInput.load(file, overrides: try overrideOptions.overrides())
        if !json { print("gradguard lr-find: \(experiment.name), \(steps) steps from \(show(minimum)) to \(show(maximum))…") }
        let result: LearningRateRangeTest.Result
        do { result = try LearningRateRangeTest(steps: steps, minimum: minimum, maximum: maximum).run(experiment, data: nil) } catch {
            throw CLIError(error.description)
        }
        let page = Self.page(result, experiment: experiment.name, steps: steps)
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(LessonPage.html(page).utf8).write(to: folder.appendingPathComponent("lr-find.html"), options: .atomic)
            try LessonPage.json(page).write(to: folder.appendingPathComponent("lr-find.json"), options: .atomic)
        } catch {
            throw CLIError("\(out): cannot write lr-find.html and lr-find.json: \(error.localizedDescription)")
        }
        if json {
            print(String(decoding: try LessonPage.json(page), as: UTF8.self))
        } else {
            print("\n" + page.table.text + "\n\n" + page.conclusion)
            print("page: \(folder.appendingPathComponent("lr-find.html").path)")
        }
    }

    /// The test as a result page: the curve, about ten sampled rows, the suggestion.
    static func page(_ r: LearningRateRangeTest.Result, experiment: String, steps: Int) -> LessonResult {
        let stride = Swift.max(1, r.rates.count / 10)
        let rows = Swift.stride(from: 0, to: r.rates.count, by: stride).map { [show(r.rates[$0]), show(r.losses[$0])] }
        // A curve that never falls (the lowest 5-step mean within 10 % of the first) means the
        // model does not train at any rate tried: no rate is worth suggesting.
        let finite = r.losses.prefix { $0.isFinite }
        let means = finite.count >= 5 ? (0...(finite.count - 5)).map { i in finite.dropFirst(i).prefix(5).reduce(0, +) / 5 } : []
        let flat = means.first.map { first in means.min()! > 0.9 * first } ?? false
        let conclusion: String
        if flat {
            conclusion = "The loss did not fall anywhere from \(show(r.rates.first ?? .nan)) to \(show(r.rates.last ?? .nan)): the model does not train at any of these rates. Look for a vanishing gradient first (gradguard doctor)."
        } else if let s = r.suggestion {
            conclusion = "Suggested learning rate: \(show(s)) — a tenth of the rate at the lowest smoothed loss; try it with --lr \(show(s))."
        } else {
            conclusion = "No suggestion: no step had a finite loss. Lower --min, or look at the data and the model first."
        }
        var findings = ["steps": Double(r.rates.count)]
        if let s = r.suggestion, !flat { findings["suggested learning rate"] = s }
        return LessonResult(
            name: "lr-find", title: "Learning-rate range test: \(experiment)",
            question: "Which learning rate trains this experiment fastest without diverging?",
            source: "L. N. Smith, \"Cyclical Learning Rates for Training Neural Networks\", WACV 2017 (the range test).",
            conclusion: conclusion,
            table: LessonTable(columns: ["learning rate", "loss"], rows: rows),
            figures: [LessonFigure(title: "Training loss against the learning rate", xLabel: "log10 learning rate", yLabel: "loss", logY: true,
                                   series: [LessonSeries(name: "loss", x: r.rates.map { log10($0) }, y: r.losses)])],
            findings: findings,
            settings: ["experiment": experiment, "steps": String(steps), "rates": "\(show(r.rates.first ?? .nan)) … \(show(r.rates.last ?? .nan)), geometric"])
    }
}
