import Foundation
import XCTest
@testable import TensorCore

final class CheckedSizeTests: XCTestCase {
    func testElementCountsNeverTrap() {
        XCTAssertEqual(CheckedSize.elements([2, 3, 4]), 24)
        XCTAssertEqual(CheckedSize.elements([]), 1)
        XCTAssertEqual(CheckedSize.elements([0, Int.max]), 0)
        XCTAssertNil(CheckedSize.elements([-1, 4]))
        XCTAssertNil(CheckedSize.elements([1 << 32, 1 << 32]))
        XCTAssertNil(CheckedSize.bytes([1 << 62], elementSize: 4))
        XCTAssertEqual(CheckedSize.bytes([3, 5], elementSize: 8), 120)
        XCTAssertNil(CheckedSize.multiplyAdd(Int.max, 2))
        XCTAssertNil(CheckedSize.sum([Int.max, 1]))
        XCTAssertNil(CheckedSize.sum([1, nil]))
    }

    func testLimitsSayTheMemory() {
        XCTAssertNil(SizeLimits.parameterProblem(1000))
        XCTAssertEqual(SizeLimits.parameterProblem(1_000_000_000), "1000000000 parameters would need 16.0 GB to train; the limit is 100000000 parameters")
        XCTAssertNotNil(SizeLimits.parameterProblem(nil))
        XCTAssertEqual(SizeLimits.dataProblem(1_000_000_000), "1000000000 values would need 4.0 GB; the limit is 500000000 values")
    }

    func testFileInputSaysWhatIsWrong() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gg-fileinput-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try FileInput.bytes(folder.path + "/missing")) { XCTAssertTrue("\($0)".hasSuffix("missing: no such file")) }
        XCTAssertThrowsError(try FileInput.bytes(folder.path)) { XCTAssertTrue("\($0)".hasSuffix(": is a folder, not a file")) }
        let latin1 = folder.appendingPathComponent("latin1.csv")
        try Data([0x61, 0x2C, 0x62, 0x0A, 0xE9]).write(to: latin1)
        XCTAssertThrowsError(try FileInput.text(latin1.path)) { XCTAssertTrue("\($0)".contains("is not UTF-8 text (byte 4: 0xE9"), "\($0)") }
        XCTAssertThrowsError(try FileInput.bytes(latin1.path, limit: 2)) { XCTAssertTrue("\($0)".contains("more than the 2 B this reader accepts"), "\($0)") }
        if getuid() != 0 {  // root reads every file
            let locked = folder.appendingPathComponent("locked")
            try Data("x".utf8).write(to: locked)
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked.path)
            XCTAssertThrowsError(try FileInput.bytes(locked.path)) { XCTAssertTrue("\($0)".contains("permission denied")) }
        }
    }
}
