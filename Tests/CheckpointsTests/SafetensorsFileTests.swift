import Checkpoints
import Foundation
import Layers
import TensorCore
import TestSupport
import XCTest

final class SafetensorsFileTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func testRoundTripKeepsNamesShapesAndValues() throws {
        let tensors: [String: Tensor<Float>] = [
            "0.weight": Tensor(shape: [2, 3], scalars: [1, -2, 3.5, .infinity, -0.0, 1e-30]),
            "0.bias": Tensor([0.25, -0.75]),
            "scalar \"quoted\"": Tensor(7),
            "empty": Tensor(shape: [0, 4], scalars: []),
        ]
        let data = SafetensorsFile.encode(tensors)
        let header = data.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(header % 8, 0, "the header is padded to a multiple of 8")
        let file = try SafetensorsFile.decode(data)
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(Set(file.entries.keys), Set(tensors.keys))
        XCTAssertEqual(file.entries["0.weight"]?.dtype, "F32")
        XCTAssertEqual(file.tensors(as: Float.self), tensors)
    }

    func testDoubleTensorsAreWrittenAsF64() throws {
        let tensors: [String: Tensor<Double>] = ["w": Tensor([Double.pi, 1e-300])]
        let file = try SafetensorsFile.decode(SafetensorsFile.encode(tensors))
        XCTAssertEqual(file.entries["w"]?.dtype, "F64")
        XCTAssertEqual(file.entries["w"]?.tensor, tensors["w"])
    }

    /// The fixture was written by Python's `safetensors.numpy.save_file` (Fixtures/make_fixture.py).
    func testFileWrittenByPythonSafetensorsLoads() throws {
        let file = try SafetensorsFile.read(path: Self.fixtures.appendingPathComponent("python_numpy.safetensors").path)
        XCTAssertEqual(file.metadata, ["written_by": "safetensors.numpy"])
        XCTAssertEqual(Set(file.entries.keys), ["0.weight", "0.bias", "2.weight", "2.bias", "steps"])
        XCTAssertEqual(file.entries["0.weight"]?.dtype, "F32")
        XCTAssertEqual(file.entries["0.weight"]?.tensor, Tensor(shape: [3, 4], scalars: (0..<12).map { (Double($0) - 5.5) / 4 }))
        XCTAssertEqual(file.entries["0.bias"]?.tensor, Tensor([0.5, -1.25, 3.0]))
        XCTAssertEqual(file.entries["2.weight"]?.dtype, "F64")
        XCTAssertEqual(file.entries["2.weight"]?.tensor, Tensor(shape: [1, 3], scalars: [1e-3, -2.5e4, Double.pi]))
        XCTAssertEqual(file.entries["2.bias"]?.dtype, "F16")
        XCTAssertEqual(file.entries["2.bias"]?.tensor, Tensor([-0.0625]))
        XCTAssertEqual(file.entries["steps"]?.dtype, "I64")
        XCTAssertEqual(file.entries["steps"]?.tensor, Tensor(7.0))
    }

    /// Python's safetensors (the reference implementation, strict about the header) reads what
    /// GradGuard writes, values equal.
    func testPythonSafetensorsReadsGradGuardsFile() throws {
        guard let python = ExternalTool.python(with: ["safetensors", "numpy"]) else {
            throw XCTSkip("python3 with safetensors and numpy not found (pip install safetensors numpy)")
        }
        let folder = try ExternalTool.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/w.safetensors"
        let tensors: [String: Tensor<Float>] = ["a.weight": Tensor(shape: [2, 2], scalars: [1.5, -2, 1e-8, 3e38]), "a.bias": Tensor([0.125])]
        try SafetensorsFile.write(tensors, to: path)
        let script = """
            import sys, numpy as np
            from safetensors.numpy import load_file
            t = load_file(sys.argv[1])
            assert sorted(t) == ["a.bias", "a.weight"], sorted(t)
            assert t["a.weight"].dtype == np.float32 and t["a.weight"].shape == (2, 2)
            assert np.array_equal(t["a.weight"], np.array([[1.5, -2], [1e-8, 3e38]], dtype=np.float32))
            assert np.array_equal(t["a.bias"], np.array([0.125], dtype=np.float32))
            print("ok")
            """
        let result = try ExternalTool.run(python, ["-c", script, path])
        XCTAssertEqual(result.status, 0, result.output)
    }

    func testFloat16AndBFloat16Decode() throws {
        // 1.0, −2.0, 65504 (largest half), the smallest subnormal, +∞ in F16; 1.0 and −3.0 in BF16.
        let half: [UInt16] = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00]
        let bf: [UInt16] = [0x3f80, 0xc040]
        var payload = Data()
        for v in half + bf { withUnsafeBytes(of: v.littleEndian) { payload.append(contentsOf: $0) } }
        let data = Self.file(header: #"{"h":{"dtype":"F16","shape":[5],"data_offsets":[0,10]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[10,14]}}"#, payload: payload)
        let file = try SafetensorsFile.decode(data)
        XCTAssertEqual(file.entries["h"]?.tensor.scalars, [1, -2, 65504, 0x1p-24, .infinity])
        XCTAssertEqual(file.entries["b"]?.tensor.scalars, [1, -3])
    }

    func testMalformedFilesAreClearErrors() throws {
        let good = SafetensorsFile.encode(["w": Tensor<Float>([1, 2, 3])])
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "too short"),
            (good.prefix(good.count - 4), "data_offsets end at 12 but the data has 8 bytes (truncated file?)"),
            (good.prefix(20), "truncated file?"),
            (Data(repeating: 0xff, count: 16), "larger than 100 MB"),
            (Self.file(header: "[1, 2]", payload: Data()), "not a JSON object"),
            (Self.file(header: "{not json", payload: Data()), "not a JSON object"),
            (Self.file(header: #"{"w":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#, payload: Data([0])), "tensor w: dtype F8_E4M3 is not supported"),
            (Self.file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, payload: Data(count: 4)), "tensor w: shape [2] of F32 needs 8 bytes, data_offsets span 4"),
            (Self.file(header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, payload: Data(count: 4)), "tensor w: shape must be"),
            (Self.file(header: #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, payload: Data(count: 4)),
             "tensor w: shape [4611686018427387904, 4] holds more elements than any file can"),
            (Self.file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, payload: Data(count: 4)),
             #"key "w" appears twice"#),
            (Self.file(header: #"{"w":{"dtype":"F32","shape":[1]}}"#, payload: Data(count: 4)), "tensor w: data_offsets must be"),
            (Self.file(header: #"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, payload: Data(count: 4)), "tensor w: no dtype"),
            (Self.file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, payload: Data(count: 8)), "a gap of 4 bytes before tensor w"),
            (Self.file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, payload: Data(count: 8)), "4 bytes after the last tensor"),
            (Self.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, payload: Data(count: 8)),
             "tensor b overlaps"),
        ]
        for (data, expected) in cases {
            XCTAssertThrowsError(try SafetensorsFile.decode(data, source: "bad.safetensors")) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("bad.safetensors: "), message)
                XCTAssertTrue(message.contains(expected), "expected “\(expected)” in “\(message)”")
            }
        }
        XCTAssertThrowsError(try SafetensorsFile.read(path: "/nonexistent/w.safetensors")) {
            XCTAssertEqual("\($0)", "/nonexistent/w.safetensors: no such file")
        }
    }

    func testModuleSavesAndLoadsItsStateDict() throws {
        var rng = RandomGenerator(seed: 3)
        let model = Sequential<Float>(Linear(4, 3, using: &rng), ActivationLayer(.tanh), BatchNorm1d(features: 3), Linear(3, 2, using: &rng))
        let folder = try ExternalTool.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/model.safetensors"
        try model.saveSafetensors(to: path)
        var other = RandomGenerator(seed: 99)
        let copy = Sequential<Float>(Linear(4, 3, using: &other), ActivationLayer(.tanh), BatchNorm1d(features: 3), Linear(3, 2, using: &other))
        XCTAssertNotEqual(copy.stateDict(), model.stateDict())
        try copy.loadSafetensors(from: path)
        XCTAssertEqual(copy.stateDict(), model.stateDict())

        let wrong = Sequential<Float>(Linear(4, 5, using: &other), ActivationLayer(.tanh), Linear(5, 2, using: &other))
        XCTAssertThrowsError(try wrong.loadSafetensors(from: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path + ": state dict:"), "\(error)")
        }
        XCTAssertThrowsError(try copy.loadSafetensors(from: folder + "/missing.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("no such file"), "\(error)")
        }
    }

    /// A safetensors file from a JSON header (padded) and the data bytes.
    static func file(header: String, payload: Data) -> Data {
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        return data + Data(header.utf8) + payload
    }
}
