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
        func document(_ output: String) throws -> NSDictionary {
            let start = try XCTUnwrap(output.firstIndex(of: "{"), output)
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? NSDictionary, output)
        }
        let (one, two) = (try document(single.output), try document(parallel.output))
        XCTAssertGreaterThan((one["repairs"] as? [Any])?.count ?? 0, 1, "several single remedies were shared")
        XCTAssertEqual(one, two, "the same verdict, repairs and numbers")
    }
}
