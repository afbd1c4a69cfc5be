import Foundation
import TensorCore
import XCTest
@testable import Datasets

final class FileFormatTests: XCTestCase {
    func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gg-\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func idxBytes(shape: [Int], data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 8, UInt8(shape.count)]
        for d in shape { bytes += [24, 16, 8, 0].map { UInt8((d >> $0) & 0xFF) } }
        return bytes + data
    }

    func testIDXReadsPlainFile() throws {
        let path = try temporaryFile("ok-idx3", idxBytes(shape: [2, 2, 3], data: Array(0..<12)))
        let (shape, data) = try IDX.read(path: path)
        XCTAssertEqual(shape, [2, 2, 3])
        XCTAssertEqual(data, Array(0..<12))
    }

    func testIDXTruncatedAndWrongMagicAreErrors() throws {
        let truncated = try temporaryFile("short", idxBytes(shape: [2, 2, 3], data: Array(0..<11)))
        XCTAssertThrowsError(try IDX.read(path: truncated)) { error in
            XCTAssertTrue("\(error)".contains("truncated"), "\(error)")
            XCTAssertTrue("\(error)".contains(truncated), "\(error)")
        }
        let wrong = try temporaryFile("magic", [0x50, 0x4B, 3, 4, 0, 0, 0, 0])
        XCTAssertThrowsError(try IDX.read(path: wrong)) { XCTAssertTrue("\($0)".contains("magic"), "\($0)") }
        XCTAssertThrowsError(try IDX.read(path: "/nonexistent/x-idx1-ubyte")) { XCTAssertTrue("\($0)".contains("no such file")) }
    }

    func testFashionMNISTFromFolderOfPlainFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gg-fm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        for prefix in ["train", "t10k"] {
            try Data(idxBytes(shape: [3, 2, 2], data: (0..<12).map { UInt8($0 * 20) })).write(to: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try Data(idxBytes(shape: [3], data: [9, 0, 4])).write(to: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
        let (train, test) = try FashionMNIST.load(path: folder.path, limit: 2, as: Float.self)
        XCTAssertEqual(train.inputs.shape, [2, 4])
        XCTAssertEqual(test.targets.scalars, [9, 0])
        XCTAssertEqual(train.inputs.scalars[1], 20 / 255, accuracy: 1e-7)
    }

    func testFashionMNISTInstalledByDebianWhenPresent() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: FashionMNIST.defaultPath + "/t10k-labels-idx1-ubyte.gz"),
                          "dataset-fashion-mnist is not installed")
        let (train, test) = try FashionMNIST.load(limit: 100, as: Float.self)
        XCTAssertEqual(train.inputs.shape, [100, 784])
        XCTAssertEqual(test.count, 100)
        XCTAssertTrue(train.inputs.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    static func npyBytes(descr: String, shape: String, payload: [UInt8]) -> [UInt8] {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let n = header.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(header.utf8) + payload
    }

    func testNPYFloatAndIntegerArrays() throws {
        let floats: [Float] = [1.5, -2, 3.25, 0, 7, 8]
        let payload = floats.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }
        let x: Tensor<Double> = try NPY.parse(Self.npyBytes(descr: "<f4", shape: "(3, 2)", payload: payload), source: "x.npy")
        XCTAssertEqual(x.shape, [3, 2])
        XCTAssertEqual(x.scalars, floats.map(Double.init))
        let labels: [Int64] = [2, 0, 1]
        let y: Tensor<Float> = try NPY.parse(
            Self.npyBytes(descr: "<i8", shape: "(3,)", payload: labels.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }), source: "y.npy")
        XCTAssertEqual(y.shape, [3])
        XCTAssertEqual(y.scalars, [2, 0, 1])
    }

    func testNPYErrorsNameTheProblem() {
        XCTAssertThrowsError(try NPY.parse(Self.npyBytes(descr: "<f4", shape: "(3, 2)", payload: [0, 0]), source: "x.npy") as Tensor<Float>) {
            XCTAssertTrue("\($0)".contains("x.npy: data ends early"), "\($0)")
        }
        XCTAssertThrowsError(try NPY.parse(Self.npyBytes(descr: "<c16", shape: "(1,)", payload: []), source: "x.npy") as Tensor<Float>) {
            XCTAssertTrue("\($0)".contains("dtype <c16"), "\($0)")
        }
        XCTAssertThrowsError(try NPY.parse(Array("hello world".utf8), source: "x.npy") as Tensor<Float>)
    }

    func testCSVClassificationAndRegression() throws {
        let path = try temporaryFile("t.csv", Array("a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n".utf8))
        let (data, names) = try CSVTable.read(path: path, target: .name("label"), classification: true, as: Float.self)
        XCTAssertEqual(names, ["cat", "dog"])
        XCTAssertEqual(data.inputs.scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(data.targets.scalars, [0, 1, 0])
        XCTAssertThrowsError(try CSVTable.read(path: path, target: .index(2), classification: false, as: Float.self)) {
            XCTAssertTrue("\($0)".contains("line 2, target \"label\""), "\($0)")
        }
        let numeric = try temporaryFile("r.csv", Array("y,x\n0.5,1\n1.5,2\n".utf8))
        let (reg, _) = try CSVTable.read(path: numeric, target: .index(0), classification: false, as: Float.self)
        XCTAssertEqual(reg.targets.shape, [2, 1])
        XCTAssertEqual(reg.targets.scalars, [0.5, 1.5])
        XCTAssertEqual(reg.inputs.scalars, [1, 2])
    }

    func testCSVNaNAndMissingColumnAreErrors() throws {
        let path = try temporaryFile("nan.csv", Array("a,y\n1,0\nnan,1\n".utf8))
        XCTAssertThrowsError(try CSVTable.read(path: path, target: .name("y"), classification: true, as: Float.self)) {
            let bad = ($0 as? DataFormatError)?.nonFinite
            XCTAssertEqual(bad?.rows, [3], "\($0)")
            XCTAssertEqual(bad?.columns, ["a"], "\($0)")
            XCTAssertTrue("\($0)".contains("row 3; column a"), "\($0)")
        }
        // 1e39 is a finite Double but ∞ in Float: caught at conversion, with its line and column.
        let huge = try temporaryFile("huge.csv", Array("a,b,y\n1,2,0\n3,4,1\n5,1e39,0\n".utf8))
        XCTAssertThrowsError(try CSVTable.read(path: huge, target: .name("y"), classification: true, as: Float.self)) {
            XCTAssertEqual(($0 as? DataFormatError)?.nonFinite, NonFiniteValues(source: huge, count: 1, rows: [4], columns: ["b"]))
        }
        XCTAssertNoThrow(try CSVTable.read(path: huge, target: .name("y"), classification: true, as: Double.self))
        let text = try temporaryFile("text.csv", Array("a,y\n1,0\nabc,1\n".utf8))
        XCTAssertThrowsError(try CSVTable.read(path: text, target: .name("y"), classification: true, as: Float.self)) {
            XCTAssertTrue("\($0)".contains("line 3, column \"a\": \"abc\" is not a number"), "\($0)")
        }
        XCTAssertThrowsError(try CSVTable.read(path: path, target: .name("z"), classification: true, as: Float.self)) {
            XCTAssertTrue("\($0)".contains("no column named \"z\""), "\($0)")
        }
    }
}
