import ArgumentParser
import Benchmarks
import Foundation

/// `gradguard bench`: the shipped speed measurements.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run a shipped benchmark.", subcommands: [MatmulCommand.self])

    struct MatmulCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "matmul",
            abstract: "GFLOP/s of an n×n Float matmul via the Tensor API and via cblas_sgemm, side by side.")

        @Option(help: "Matrix size n.") var size = 1024
        @Option(help: "Timed rounds per path (median reported).") var repeats = 9

        func validate() throws {
            guard size >= 1 else { throw ValidationError("--size must be positive, got \(size)") }
            guard repeats >= 1 else { throw ValidationError("--repeats must be positive, got \(repeats)") }
        }

        func run() {
            let r = MatmulBenchmark.run(size: size, repeats: repeats)
            print(String(format: "matmul %dx%d Float: Tensor.matmul %.1f GFLOP/s, cblas_sgemm %.1f GFLOP/s, ratio %.3f",
                         r.size, r.size, r.tensorGFLOPS, r.directGFLOPS, r.ratio))
        }
    }
}
