import Foundation
import Lessons
import TestSupport
import XCTest

/// `gradguard lr-find`: a suggestion inside the range known to train a healthy digits MLP, and
/// no suggestion for the built-in vanishing net, whose loss falls at no rate.
final class LearningRateFindCommandTests: XCTestCase {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testSuggestsARateThatTrainsAndNoneForAFlatCurve() throws {
        let folder = try ExternalTool.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let healthy = repository.appendingPathComponent("benchmarks/doctor/healthy_relu_he_digits_seed11.json").path
        let run = try ExternalTool.run(ExternalTool.gradguard, ["lr-find", healthy, "--out", folder])
        XCTAssertEqual(run.status, 0, run.output)
        let document = try LessonPage.decode(Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent("lr-find.json")))
        let suggestion = try XCTUnwrap(document.findings["suggested learning rate"], run.output)
        XCTAssertTrue((0.005...0.5).contains(suggestion), "suggested \(suggestion)")
        XCTAssertEqual(document.figures.first?.series.first?.x.count, 100)

        let flat = try ExternalTool.run(ExternalTool.gradguard, ["lr-find", "--out", folder])
        XCTAssertEqual(flat.status, 0, flat.output)
        XCTAssertTrue(flat.output.contains("did not fall anywhere"), flat.output)

        let bad = try ExternalTool.run(ExternalTool.gradguard, ["lr-find", "--min", "1", "--max", "0.1"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.output.contains("0 < min < max"), bad.output)
    }
}
