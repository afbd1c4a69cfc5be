import Foundation
import GradGuard
import TestSupport
import XCTest

/// `mpirun -np 2 gradguard train`: the same weights as one process, to reduction order.
final class DataParallelTrainingTests: XCTestCase {
    func testTwoProcessesEndWhereOneDoes() throws {
        try assertTwoProcessesEndWhereOneDoes(model: #"{"type": "mlp", "sizes": [64, 64, 64, 10], "activation": "tanh"}"#,
                                              optimizer: #"{"type": "adam", "lr": 0.003}"#)
    }

    /// BatchNorm normalises over the global batch (SyncBatchNorm), so it matches one process too.
    /// SGD, not Adam: a Linear bias before BatchNorm has a gradient of rounding noise only, which
    /// Adam's normalised step would turn into steps of full size.
    func testBatchNormSpansTheProcesses() throws {
        try assertTwoProcessesEndWhereOneDoes(model: #"{"type": "mlp", "sizes": [64, 32, 32, 10], "activation": "relu", "batchnorm": true}"#,
                                              optimizer: #"{"type": "sgd", "lr": 0.05, "momentum": 0.9}"#)
    }

    func assertTwoProcessesEndWhereOneDoes(model: String, optimizer: String) throws {
        guard let mpirun = ExternalTool.find("mpirun") else {
            throw XCTSkip("mpirun not found (apt-get install openmpi-bin): data-parallel training is not checked")
        }
        let folder = try ExternalTool.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let experiment = (folder as NSString).appendingPathComponent("dp.json")
        try """
        {"data": {"kind": "digits", "standardize": true}, "seed": 3,
         "model": [\(model)],
         "optimizer": \(optimizer), "clip": {"type": "norm", "max_norm": 1.0}, "l2": 1e-4,
         "epochs": 2, "batch_size": 33}
        """.write(toFile: experiment, atomically: true, encoding: .utf8)
        let one = (folder as NSString).appendingPathComponent("one"), two = (folder as NSString).appendingPathComponent("two")
        let single = try ExternalTool.run(ExternalTool.gradguard, ["train", experiment, "--runs", one])
        XCTAssertEqual(single.status, 0, single.output)
        let environment = ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1"]
        let parallel = try ExternalTool.run(mpirun, ["-np", "2", ExternalTool.gradguard, "train", experiment, "--runs", two], environment: environment)
        XCTAssertEqual(parallel.status, 0, parallel.output)
        XCTAssertTrue(parallel.output.contains("data parallel: 2 processes share each batch of 33"), parallel.output)
        XCTAssertEqual(parallel.output.components(separatedBy: "final: test loss").count - 1, 1, "rank 0 alone reports")
        let runs = try FileManager.default.contentsOfDirectory(atPath: two)
        XCTAssertEqual(runs.count, 1, "rank 0 alone writes a run folder")

        func weights(_ root: String) throws -> [String: Tensor<Float>] {
            let run = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: root).first)
            return try SafetensorsFile.read(path: "\(root)/\(run)/weights.safetensors").tensors(as: Float.self)
        }
        let (a, b) = (try weights(one), try weights(two))
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        for (name, tensor) in a {
            let other = try XCTUnwrap(b[name])
            var difference = 0.0, size = 0.0
            for (x, y) in zip(tensor.scalars, other.scalars) {
                difference += Double(x - y) * Double(x - y)
                size += Double(x) * Double(x)
            }
            (difference, size) = (difference.squareRoot(), size.squareRoot())
            XCTAssertLessThan(difference / size, 1e-5, "\(name): relative difference \(difference / size)")
        }
    }

    /// Ctrl-C on `mpirun` reaches every process; all of them stop after the same step, and rank 0
    /// saves the whole run folder, marked interrupted, with the command that continues it.
    func testCtrlCStopsEveryProcessAtTheSameStepAndSaves() throws {
        guard let mpirun = ExternalTool.find("mpirun") else {
            throw XCTSkip("mpirun not found (apt-get install openmpi-bin): Ctrl-C under mpirun is not checked")
        }
        let folder = try ExternalTool.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let experiment = (folder as NSString).appendingPathComponent("long.json"), runs = (folder as NSString).appendingPathComponent("runs")
        try """
        {"name": "long", "data": {"kind": "digits"}, "seed": 4, "model": [{"type": "mlp", "sizes": [64, 32, 10]}],
         "optimizer": {"type": "sgd", "lr": 0.01}, "epochs": 5000, "batch_size": 32}
        """.write(toFile: experiment, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mpirun)
        process.arguments = ["-np", "2", ExternalTool.gradguard, "train", experiment, "--runs", runs]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1"]) { $1 }
        let log = (folder as NSString).appendingPathComponent("out.txt")
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        // Interrupt once training is under way: the first epoch's line is out.
        let deadline = Date().addingTimeInterval(120)
        while !((try? String(contentsOfFile: log, encoding: .utf8))?.contains("/5000  loss") ?? false), Date() < deadline,
              process.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.interrupt()
        process.waitUntilExit()
        try handle.close()
        let output = try String(contentsOfFile: log, encoding: .utf8)
        XCTAssertNotEqual(process.terminationStatus, 0, "an interrupted run does not end as a success: \(output)")
        XCTAssertTrue(output.contains("(interrupted)"), output)
        XCTAssertTrue(output.contains("continue with: gradguard train --resume"), output)
        let names = try FileManager.default.contentsOfDirectory(atPath: runs)
        XCTAssertEqual(names.count, 1, "\(names)")
        let run = (runs as NSString).appendingPathComponent(names.first ?? "")
        for file in ["weights.safetensors", "checkpoint.safetensors", "report.html", "metrics.jsonl"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: (run as NSString).appendingPathComponent(file)), "\(file) saved: \(output)")
        }
        let status = try String(contentsOfFile: (run as NSString).appendingPathComponent("status.json"), encoding: .utf8)
        XCTAssertTrue(status.contains("\"interrupted\""), status)
    }

    func testAParallelDoctorGivesTheSameDocumentAsOneProcess() throws {
        guard let mpirun = ExternalTool.find("mpirun") else {
            throw XCTSkip("mpirun not found (apt-get install openmpi-bin): the parallel doctor is not checked")
        }
        // The built-in example cut to 60 steps, with a budget no machine reaches.
        let arguments = ["doctor", "--set", "steps=60", "--set", "epochs=null", "--budget", "100000", "--json", "--no-save"]
        let single = try ExternalTool.run(ExternalTool.gradguard, arguments)
        XCTAssertEqual(single.status, 0, single.output)
        let environment = ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1"]
        let parallel = try ExternalTool.run(mpirun, ["-np", "2", ExternalTool.gradguard] + arguments, environment: environment)
        XCTAssertEqual(parallel.status, 0, parallel.output)
        let (one, two) = (try single.jsonObject(), try parallel.jsonObject())
        XCTAssertGreaterThan((one["repairs"] as? [Any])?.count ?? 0, 1, "several single remedies were shared")
        XCTAssertEqual(one, two, "the same verdict, repairs and numbers")
    }
}
