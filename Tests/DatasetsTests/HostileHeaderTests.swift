import Foundation
import TensorCore
import XCTest
@testable import Datasets

/// Headers that promise impossible sizes are errors naming the file, never a trap or an allocation.
final class HostileHeaderTests: XCTestCase {
    func npy(_ shape: String, descr: String = "<f4", payload: [UInt8] = []) -> [UInt8] {
        FileFormatTests.npyBytes(descr: descr, shape: shape, payload: payload)
    }

    func assertNPYError(_ shape: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try NPY.parse(npy(shape), source: "x.npy") as Tensor<Float>, file: file, line: line) {
            XCTAssertTrue("\($0)".hasPrefix("x.npy: "), "\($0)", file: file, line: line)
            XCTAssertTrue("\($0)".contains(expected), "\($0)", file: file, line: line)
        }
    }

    func testNPYNegativeAndHugeShapes() {
        assertNPYError("(-1, 4)", "must list integers ≥ 0")
        assertNPYError("(4294967296, 4294967296)", "holds more elements than any file can")
        assertNPYError("(4611686018427387904,)", "holds more elements than any file can")
        assertNPYError("(2, x)", "must list integers ≥ 0")
        assertNPYError("(1000000, 1000)", "data ends early")
    }

    func testIDXHugeHeader() {
        var bytes: [UInt8] = [0, 0, 8, 3]
        for d in [0xFFFF_FFFF, 0xFFFF_FFFF, 3] { bytes += [24, 16, 8, 0].map { UInt8((d >> $0) & 0xFF) } }
        XCTAssertThrowsError(try IDX.parse(bytes, source: "x-idx3")) {
            XCTAssertTrue("\($0)".hasPrefix("x-idx3: IDX data ends early") || "\($0)".contains("more elements"), "\($0)")
        }
        var many: [UInt8] = [0, 0, 8, 255]
        many += Array(repeating: 0xFF, count: 4 * 255)
        XCTAssertThrowsError(try IDX.parse(many, source: "x-idx3")) { XCTAssertTrue("\($0)".contains("more elements than any file can"), "\($0)") }
    }

    func testGzipBombIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gg-gz-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let raw = folder.appendingPathComponent("zeros")
        try Data(count: 1 << 20).write(to: raw)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-f", raw.path]
        try gzip.run()
        gzip.waitUntilExit()
        let compressed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw.path + ".gz")))
        XCTAssertThrowsError(try Gzip.decompress(compressed, source: "z.gz", limit: 1000)) {
            XCTAssertTrue("\($0)".contains("expands to more than 1.0 KB"), "\($0)")
        }
        XCTAssertEqual(try Gzip.decompress(compressed, source: "z.gz").count, 1 << 20)
    }

    func testCSVFolderAndOverflowingCell() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gg-csv-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try CSVTable.read(path: folder.path, target: .index(1), classification: true, as: Float.self)) {
            XCTAssertEqual("\($0)", "\(folder.path): is a folder, not a file")
        }
        let csv = folder.appendingPathComponent("big.csv")
        try Data("a,y\n1e39,0\n2,1\n".utf8).write(to: csv)
        XCTAssertThrowsError(try CSVTable.read(path: csv.path, target: .name("y"), classification: true, as: Float.self)) {
            XCTAssertTrue("\($0)".contains("(row 2; column a)"), "\($0)")
            XCTAssertNotNil(($0 as? DataFormatError)?.nonFinite)
        }
    }
}
