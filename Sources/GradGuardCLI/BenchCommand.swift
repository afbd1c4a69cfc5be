import ArgumentParser
import Benchmarks
import GradGuard
import Foundation

/// `gradguard bench`: the shipped speed measurements.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run a shipped benchmark.", subcommands: [MatmulCommand.self, GemmThreadsCommand.self, CoresCommand.self, ElementwiseCommand.self, Seed001Command.self, MLPCommand.self, RecurrentCommand.self, MonitorCommand.self, DoctorCommand.self])

    /// The CPU and BLAS kernel, printed before every figure: figures from different machines or
    /// kernels are not comparable.
    static func printMachine() { print("machine: \(BLASKernel.summary)") }

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
            BenchCommand.printMachine()
            let r = MatmulBenchmark.run(size: size, repeats: repeats)
            print(String(format: "matmul %dx%d Float: Tensor.matmul %.1f GFLOP/s, cblas_sgemm %.1f GFLOP/s, ratio %.3f",
                         r.size, r.size, r.tensorGFLOPS, r.directGFLOPS, r.ratio))
        }
    }

    struct ElementwiseCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "elementwise",
            abstract: "ns per element of Tensor element-wise ops against hand-written unsafe-buffer loops.")

        @Option(help: "Elements per operand (at least 256).") var count = 1 << 20

        func validate() throws {
            guard count >= 256 else { throw ValidationError("--count must be at least 256, got \(count)") }
        }

        func run() {
            BenchCommand.printMachine()
            let r = ElementwiseBenchmark.run(count: count)
            print("element-wise Float, \(r.count) elements (ns/element; ratio = hand-written / Tensor)")
            for row in r.rows {
                print(String(format: "  %-14@ Tensor %.3f  hand-written %.3f  ratio %.2f",
                             row.operation as NSString, row.tensorNanoseconds, row.handWrittenNanoseconds, row.ratio))
            }
        }
    }

    struct Seed001Command: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed001",
            abstract: "ms per training step of source article 001's workload (compare: benchmarks/seed001_pytorch.py).")

        @Option(help: "Steps per timed run.") var steps = 100
        @Option(help: "Timed runs (median reported).") var repeats = 7

        func validate() throws {
            guard steps >= 1, repeats >= 1 else { throw ValidationError("--steps and --repeats must be positive") }
        }

        func run() throws {
            BenchCommand.printMachine()
            let ms = try Seed001Benchmark.run(steps: steps, repeats: repeats)
            print(String(format: "seed001 GradGuard: %.4f ms/step (%d steps, median of %d runs)", ms, steps, repeats))
        }
    }

    struct GemmThreadsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gemm-threads",
            abstract: "µs per product of each workload's GEMM shapes: cblas_sgemm on 1 and 2 OpenBLAS threads and the panel kernel, interleaved in one run.")

        @Option(help: "Timed rounds per thread count (median reported).") var repeats = 5

        func validate() throws {
            guard repeats >= 1 else { throw ValidationError("--repeats must be positive") }
        }

        func run() {
            BenchCommand.printMachine()
            for (row, shape) in zip(GemmThreadsBenchmark.run(repeats: repeats), GemmThreadsBenchmark.shapes) {
                let form = (shape.transposeA ? "ᵀ" : "") + "·" + (shape.transposeB ? "ᵀ" : "")
                var line = String(format: "%-32@ %4d×%-4d %@ %4d×%-4d 1 thread %8.1f µs, 2 threads %8.1f µs (speedup %.2f)",
                                  shape.what as NSString, row.m, row.k, form as NSString, row.k, row.n,
                                  row.oneThread, row.twoThreads, row.speedup)
                let panelUsed = PanelGemm.isPreferred(m: row.m, n: row.n, k: row.k)
                if let halves = row.halves {
                    line += String(format: ", halves on 2 threads %8.1f µs%@", halves,
                                   BLASThreading.splitsProducts && !panelUsed ? " [used]" : "")
                }
                if let panel = row.panel, let speedup = row.panelSpeedup {
                    line += String(format: ", panel kernel %8.1f µs (%.2f× OpenBLAS's best)%@", panel, speedup,
                                   panelUsed ? " [used]" : "")
                }
                print(line)
            }
        }
    }

    struct CoresCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cores",
            abstract: "How far two cores scale here: FMA chains and a 64 MiB streaming sum on one thread and on two, interleaved.")

        @Option(help: "Timed rounds (median reported).") var repeats = 9

        func validate() throws {
            guard repeats >= 1 else { throw ValidationError("--repeats must be positive") }
        }

        func run() {
            BenchCommand.printMachine()
            let r = CoreScalingBenchmark.run(repeats: repeats)
            print(String(format: "two threads against one: compute (FMA chains) %.2fx, memory (streaming sum) %.2fx "
                         + "(%.1f GB/s on one thread, %.1f on two); the ceiling of any 2-thread or 2-process speed-up here",
                         r.computeSpeedup, r.memorySpeedup, r.oneThreadGBps, r.twoThreadsGBps))
        }
    }

    struct MLPCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mlp",
            abstract: "W3: ms per training step of an MLP 784 → 1024×3 → 10, ReLU, Adam, batch 256 (monitor off), and its GFLOP/s.")

        @Option(help: "Steps per timed run.") var steps = 10
        @Option(help: "Timed runs (median reported).") var repeats = 5

        func validate() throws {
            guard steps >= 1, repeats >= 1 else { throw ValidationError("--steps and --repeats must be positive") }
        }

        func run() throws {
            let world: MPIWorld?
            do { world = try MPIWorld.fromEnvironment() } catch { throw CLIError("mpirun: \(error)") }
            let lead = (world?.rank ?? 0) == 0
            if lead { BenchCommand.printMachine() }
            let r = try MLPBenchmark.run(steps: steps, repeats: repeats, parallelism: world.map { MPIDataParallelism(world: $0) })
            guard lead else { return }
            print(String(format: "W3 mlp GradGuard: %.3f ms/step, %.2f steps/s, %.1f GFLOP/s in its matrix products (%d steps, median of %d runs, %d process%@)",
                         r.milliseconds, 1000 / r.milliseconds, r.gflops, steps, repeats, world?.size ?? 1, (world?.size ?? 1) == 1 ? "" : "es"))
            print(String(format: "W3 share of sgemm: %.0f%% (median over runs of the run's GFLOP/s over a 1024² cblas_sgemm's, %.1f GFLOP/s, timed after each run; goal ≥ 75%%)",
                         100 * r.shareOfSgemm, r.sgemmGFLOPS))
        }
    }

    struct RecurrentCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recurrent",
            abstract: "ms per training step of W4 (LSTM) and W5 (tanh RNN) (compare: benchmarks/recurrent.sh).")

        @Argument(help: "lstm (W4), rnn (W5); both when omitted.") var workloads: [String] = []
        @Option(help: "Steps per timed run.") var steps = 20
        @Option(help: "Timed runs (median reported).") var repeats = 5

        func validate() throws {
            guard steps >= 1, repeats >= 1 else { throw ValidationError("--steps and --repeats must be positive") }
            for w in workloads where RecurrentBenchmark.Workload(rawValue: w) == nil {
                throw ValidationError("unknown workload '\(w)': use lstm or rnn")
            }
        }

        func run() throws {
            BenchCommand.printMachine()
            let chosen = workloads.isEmpty ? RecurrentBenchmark.Workload.allCases : workloads.compactMap { .init(rawValue: $0) }
            for workload in chosen {
                let ms = try RecurrentBenchmark.run(workload, steps: steps, repeats: repeats)
                print(String(format: "%@ GradGuard: %.3f ms/step (%d steps, median of %d runs)",
                             workload.label as NSString, ms, steps, repeats))
            }
        }
    }

    struct MonitorCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "monitor",
            abstract: "W2: ms per step of a 20-layer sigmoid MLP (784 → 256×20 → 10, batch 128) with the monitor off and on.")

        @Option(help: "Pairs of steps, one with the monitor off and one with it on, alternating (with --breakdown: rounds of five steps).") var pairs = 200
        @Flag(help: "What each part of the monitor costs: the optimizer's measure, the layer tap's statistics, the whole, a second plain trainer as the control, and a recorded step over an unrecorded one of the same trainer; steps of six trainers in turn.") var breakdown = false

        func validate() throws {
            guard pairs >= 1 else { throw ValidationError("--pairs must be positive") }
            guard !breakdown || pairs >= 2 else { throw ValidationError("--pairs must be at least 2 with --breakdown") }
        }

        func run() throws {
            BenchCommand.printMachine()
            if breakdown {
                let r = try MonitorBreakdown.run(rounds: pairs)
                print(String(format: "W2 plain: %.3f ms/step; each part's cost, the median over %d rounds of its step over the plain one (95%% confidence):", r.plainMilliseconds, pairs))
                for (name, part) in [("control (a second plain trainer)", r.control), ("optimizer measures its update", r.updateMeasure),
                                     ("layer tap statistics (forward and backward)", r.layerTap), ("whole monitor, every step", r.whole),
                                     ("recording a step, one trainer recording every other step", r.recording)] {
                    print(String(format: "  %@: %+.2f%% (%+.2f%% to %+.2f%%)", name as NSString, 100 * part.median,
                                 100 * part.confidence95.lower, 100 * part.confidence95.upper))
                }
                return
            }
            let r = try MonitorBenchmark.run(pairs: pairs)
            let o = r.overheads
            print(String(format: "W2 monitor off: %.3f ms/step, on (every step): %.3f ms/step, overhead %.1f%% (95%% confidence %.1f%% to %.1f%%; quartiles %.1f%% to %.1f%%; median of %d alternating step pairs)",
                         r.plainMilliseconds, r.monitoredMilliseconds, 100 * o.median, 100 * o.confidence95.lower,
                         100 * o.confidence95.upper, 100 * o.quartiles.lower, 100 * o.quartiles.upper, pairs))
        }
    }

    struct DoctorCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "The doctor benchmark: labelled broken and healthy runs (benchmarks/doctor/labels.json); recall, false positives, repair rate, exploding caught before NaN, seconds.")

        @Option(help: "The benchmark folder (experiment files and labels.json).") var folder = "benchmarks/doctor"
        @Option(help: "The doctor's repair budget per case, in seconds.") var budget = 20.0
        @Option(help: "Only the cases whose file name contains this text.") var filter: String?

        func run() throws {
            BenchCommand.printMachine()
            let (outcomes, cases) = try DoctorBenchmark.run(folder: folder, budget: budget, filter: filter) { o in
                let fix = o.label == "healthy" ? "" : "  fix: \(o.fixedBy ?? "none")"
                print("\(o.correct ? "ok  " : "MISS") \(o.file): label \(o.label), verdict \(o.verdict)\(o.axis.map { " (\($0))" } ?? "")\(fix)"
                    + String(format: "  %.1f s", o.seconds))
            }
            let s = DoctorBenchmark.summarize(outcomes, cases: cases)
            func pct(_ v: Double?) -> String { v.map { String(format: "%.1f %%", 100 * $0) } ?? "–" }
            let broken = outcomes.filter { $0.label != "healthy" }.count
            print("doctor benchmark: \(outcomes.count) runs (\(broken) broken, \(outcomes.count - broken) healthy): recall \(pct(s.recall)), "
                + "false positives \(pct(s.falsePositives)), repair rate \(pct(s.repairRate)), exploding caught before NaN "
                + "\(pct(s.caughtBeforeNaN)), \(String(format: "%.0f", s.seconds)) s")
        }
    }
}
