import ArgumentParser
import Foundation
import GradGuard

/// `gradguard report RUN_FOLDER`: rebuild report.html from a run folder's saved files.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a run folder's report.html from its doctor.json, metrics.jsonl and loss_curves.csv.",
        discussion: "Writes RUN_FOLDER/report.html (or --output), replacing the old one; nothing is retrained.")

    @Argument(help: "A run folder written by gradguard doctor or train.") var folder: String
    @Option(help: "Where to write the page (default: RUN_FOLDER/report.html).") var output: String?

    func run() throws {
        let artifacts: RunArtifacts
        do { artifacts = try RunArtifacts.load(folder: folder) } catch { throw CLIError(error.description) }
        let path = output ?? URL(fileURLWithPath: folder).appendingPathComponent("report.html").path
        do { try Data(HTMLReport.html(artifacts).utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CLIError("\(path): cannot write: \(error.localizedDescription)")
        }
        print("wrote \(path) (\(artifacts.records.count) recorded steps, \(artifacts.lossCurves.runs.count) loss curves)")
        if let status = artifacts.status, artifacts.isUnfinished {
            print("note: the run is unfinished (\(status.state.rawValue), checkpoint at step \(status.checkpointStep ?? 0) of \(status.totalSteps)); "
                + "continue it with: gradguard train --resume \(folder)")
        }
    }
}
