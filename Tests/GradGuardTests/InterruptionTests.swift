import Foundation
import TestSupport
import XCTest

/// `gradguard train` killed (SIGKILL) or stopped (SIGINT) at a random moment, then resumed with
/// `--resume`, ends with the same weights file, byte for byte, as a run never interrupted.
final class InterruptionTests: XCTestCase {
    /// The `gradguard` executable `swift test` built beside the test bundle.
    func binary() throws -> String {
        let path = ExternalTool.gradguard
        return try XCTUnwrap(FileManager.default.isExecutableFile(atPath: path) ? path : nil, "gradguard not built at \(path)")
    }

    func run(_ arguments: [String], signal: Int32? = nil, after delay: Double = 0) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gg-out-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        if let signal {
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, signal)
        }
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8))
    }

    func testKilledOrInterruptedRunsResumeToIdenticalWeights() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gg-interrupt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let experiment = root + "/e.json"
        try #"{"name": "e", "seed": 3, "data": {"kind": "digits"}, "model": [{"type": "mlp", "sizes": [64, 32, 32, 10], "activation": "tanh", "dropout": 0.1}], "optimizer": {"type": "adam", "lr": 0.003}, "schedule": {"type": "plateau", "factor": 0.5, "patience": 1}, "batch_size": 32, "epochs": 20}"#
            .write(toFile: experiment, atomically: true, encoding: .utf8)
        let started = Date()
        let reference = try run(["train", experiment, "--runs", root + "/reference"])
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(reference.status, 0, reference.output)
        let referenceWeights = try weights(in: root + "/reference")
        var generator = SystemRandomNumberGenerator()
        for (signal, name) in [(SIGKILL, "SIGKILL"), (SIGINT, "SIGINT")] {
            let delay = Double.random(in: (0.3 * seconds)...(0.7 * seconds), using: &generator)
            let runs = root + "/" + name
            let stopped = try run(["train", experiment, "--runs", runs, "--checkpoint-every", "0.05"], signal: signal, after: delay)
            let folder = try onlyFolder(runs)
            let status = try String(contentsOfFile: folder + "/status.json", encoding: .utf8)
            if signal == SIGINT {
                XCTAssertEqual(stopped.status, 130, stopped.output)
                XCTAssertTrue(stopped.output.contains("continue with: gradguard train --resume"), stopped.output)
                XCTAssertTrue(status.contains("\"interrupted\""), status)
            } else {
                XCTAssertTrue(status.contains("\"running\""), status)
                XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/weights.safetensors"))
            }
            let resumed = try run(["train", "--resume", folder])
            XCTAssertEqual(resumed.status, 0, "\(name) after \(delay) s: \(resumed.output)")
            XCTAssertTrue(resumed.output.contains("resume e at step"), resumed.output)
            XCTAssertEqual(try weights(in: runs), referenceWeights, "\(name) after \(String(format: "%.2f", delay)) s of \(String(format: "%.2f", seconds)) s")
            XCTAssertTrue(try String(contentsOfFile: folder + "/status.json", encoding: .utf8).contains("\"complete\""))
            let again = try run(["train", "--resume", folder])
            XCTAssertEqual(again.status, 1)
            XCTAssertTrue(again.output.contains("this run is complete; nothing to resume"), again.output)
        }
    }

    func onlyFolder(_ root: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: root)
        XCTAssertEqual(names.count, 1, "\(names)")
        return root + "/" + (names.first ?? "")
    }

    func weights(in root: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: try onlyFolder(root) + "/weights.safetensors"))
    }
}
