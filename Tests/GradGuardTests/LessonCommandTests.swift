import Foundation
import Lessons
import TestSupport
import XCTest

/// `gradguard lesson`: the list, an unknown name, and a run that writes its page and document.
final class LessonCommandTests: XCTestCase {
    func testListsRunsAndRejects() throws {
        let list = try ExternalTool.run(ExternalTool.gradguard, ["lesson"])
        XCTAssertEqual(list.status, 0, list.output)
        for lesson in LessonCatalog.all { XCTAssertTrue(list.output.contains("  \(lesson.name) "), lesson.name) }
        XCTAssertEqual(LessonCatalog.all.count, 11)

        let unknown = try ExternalTool.run(ExternalTool.gradguard, ["lesson", "nope"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.output.contains("unknown lesson \"nope\"; known: chain"), unknown.output)
        let badSize = try ExternalTool.run(ExternalTool.gradguard, ["lesson", "chain", "--size", "huge"])
        XCTAssertNotEqual(badSize.status, 0)
        XCTAssertTrue(badSize.output.contains("--size: unknown size \"huge\""), badSize.output)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradguard-lesson-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try ExternalTool.run(ExternalTool.gradguard, ["lesson", "logistic", "--size", "tiny", "--out", folder.path])
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("Composed 6 times"), run.output)
        let page = try String(contentsOf: folder.appendingPathComponent("logistic.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("<section id=\"conclusion\">"))
        let document = try LessonPage.decode(Data(contentsOf: folder.appendingPathComponent("logistic.json")))
        XCTAssertEqual(document.name, "logistic")
    }
}
