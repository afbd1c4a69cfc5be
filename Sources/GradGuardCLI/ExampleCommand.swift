import ArgumentParser
import Foundation
import GradGuard

/// `gradguard example NAME`: the seeds' worked examples.
struct ExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example", abstract: "Run one of the source articles' examples.",
        subcommands: [Seed001Command.self])

    struct Seed001Command: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed001",
            abstract: "Linear(10,50)–ReLU–Linear(50,1), MSE, Adam 1e-3, clip_grad_norm_(1.0), 100 epochs of random batches of 64.")

        @Option(help: "Number of epochs (one batch each).") var epochs = 100
        @Option(help: "Random seed.") var seed: UInt64 = 0

        func validate() throws {
            guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        }

        func run() throws {
            let bar = ProgressBar()
            let (history, clip) = try Seed001Example.run(
                epochs: epochs, seed: seed, onEpoch: { epoch, loss in print("Epoch \(epoch), Loss: \(Float(loss))") },
                progress: bar.update)
            bar.finish()
            print("Clipping: \(clip.summary); final loss " + String(format: "%.4f", history.stepLosses.last ?? .nan))
        }
    }
}
