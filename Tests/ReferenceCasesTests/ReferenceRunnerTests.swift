import Foundation
import ReferenceCases
import XCTest

final class ReferenceRunnerTests: XCTestCase {
    func testFolderRunGivesOneReportPerCaseAndNamesMissingPaths() {
        let (files, missing) = ReferenceRunner.caseFiles([fixtures.path, "/no/such/case.json"])
        XCTAssertEqual(files.count, 31)
        XCTAssertEqual(missing.map(\.line), ["/no/such/case.json                 FAIL  /no/such/case.json: no such file or folder"])
        let reports = files.map { ReferenceRunner.run($0, as: Float.self) }
        XCTAssertEqual(reports.filter(\.passed).count, 31, reports.filter { !$0.passed }.map(\.line).joined(separator: "\n"))
        let pass = reports.first { $0.name == "optim_adamw" }!
        XCTAssertTrue(pass.line.contains(" PASS  worst "), pass.line)
    }

    func testMalformedFileFailsWithFileAndField() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("broken-case.json")
        try #"{"format": 1, "name": "broken", "model": [], "params": {}, "input": {"shape": [1], "data": "x"}}"#
            .write(to: url, atomically: true, encoding: .utf8)
        let report = ReferenceRunner.run(url, as: Float.self)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.error, "broken-case.json: input.data: expected Array<Any>")
    }
}
