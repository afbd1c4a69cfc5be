import ArgumentParser
import GradGuard

@main
struct GradGuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradguard",
        abstract: "Train neural networks and keep their gradients healthy.",
        subcommands: [DoctorCommand.self, TrainCommand.self, ReportCommand.self, FlowCommand.self, LessonCommand.self, LearningRateFindCommand.self, EvaluateCommand.self, PredictCommand.self, ExampleCommand.self, ReferenceCommand.self, BenchCommand.self, VersionCommand.self])

    /// Standard output is line-buffered, so a piped log keeps up with training.
    static func main() {
        lineBufferStandardOutput()
        BLASRestart.ifNeeded()
        main(nil)
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print GradGuard's version, the CPU and the BLAS kernel in use.")

    func run() {
        print("gradguard \(GradGuardInfo.version)")
        print("BLAS: \(BLASKernel.summary)")
        if let note = BLASRestart.note { print("  \(note)") }
    }
}
