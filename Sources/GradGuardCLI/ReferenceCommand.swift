import ArgumentParser
import Foundation
import GradGuard

/// `gradguard reference PATH...`: replays PyTorch reference cases and compares every field.
struct ReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference",
        abstract: "Run PyTorch reference cases (format 1) and compare output, losses, gradients, norms and final weights.",
        discussion: "Prints one line per case and a closing line 'N passed, N failed'; exits 1 if any case failed.")

    @Argument(help: "Case files or folders of them.") var paths: [String]
    @Flag(help: "Compute in float64 instead of float32.") var double = false

    func run() throws {
        let (files, missing) = ReferenceRunner.caseFiles(paths)
        var reports = missing
        for file in files {
            let report = double ? ReferenceRunner.run(file, as: Double.self) : ReferenceRunner.run(file, as: Float.self)
            print(report.line)
            reports.append(report)
        }
        for report in missing { print(report.line) }
        let passed = reports.filter(\.passed).count
        print("\(passed) passed, \(reports.count - passed) failed")
        if passed < reports.count { throw ExitCode(1) }
    }
}
