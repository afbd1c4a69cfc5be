import ArgumentParser
import Foundation
import GradGuard

/// `gradguard predict RUN_FOLDER INPUT`: a trained model's predictions for new inputs, as CSV.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict with a trained run's model: one CSV row per input sample.",
        discussion: """
            INPUT is a CSV file with a header row whose every column is a feature (in the training \
            file's order, without the target), or a .npy array [samples, features…]. Inputs are \
            scaled as the training data was. Classification rows give the predicted class and \
            each class's probability (p_NAME); regression rows give the outputs.
            """)

    @OptionGroup var saved: SavedRunOptions
    @Argument(help: "The inputs: a CSV file (header row, features only) or a .npy file.") var input: String
    @Option(help: "Write the CSV here instead of to standard output.") var out: String?

    func run() throws {
        let run = try saved.open()
        let inputs: Tensor<Float>
        do {
            if input.lowercased().hasSuffix(".npy") {
                let array: (array: Tensor<Float>, integral: Bool) = try NPY.read(path: input)
                inputs = array.array
                if let bad = NonFiniteValues.scan(inputs, source: input) { throw DataFormatError(nonFinite: bad) }
            } else if input.lowercased().hasSuffix(".csv") {
                inputs = try CSVTable.features(path: input).inputs
            } else {
                throw CLIError("\(input): expected a .csv file (header row, features only) or a .npy array")
            }
        } catch { throw CLIError("\(error)") }
        let result: (outputs: Tensor<Float>, classes: [Int]?)
        do { result = try run.predict(inputs) } catch { throw CLIError("\(input): \(error.reason)") }
        let csv = Self.csv(result, names: run.classNames ?? [])
        if let out {
            do { try Data(csv.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                throw CLIError("\(out): cannot write (\(error.localizedDescription))")
            }
            print("\(result.outputs.shape[0]) predictions written to \(out)")
        } else {
            print(csv, terminator: "")
        }
    }

    /// `class,p_A,p_B,…` for classification, `output_0,…` for regression.
    static func csv(_ result: (outputs: Tensor<Float>, classes: [Int]?), names: [String]) -> String {
        let width = result.outputs.shape[1], values = result.outputs.scalars
        let header = result.classes == nil ? (0..<width).map { "output_\($0)" } : ["class"] + names.map { "p_\($0)" }
        var lines = [header.joined(separator: ",")]
        for row in 0..<result.outputs.shape[0] {
            let numbers = values[row * width..<(row + 1) * width].map { "\($0)" }
            lines.append(((result.classes.map { [names[$0[row]]] } ?? []) + numbers).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
