import Foundation
import Optimizers
import Vocabulary
import XCTest

final class ScheduleSpecTests: XCTestCase {
    func testSpecDecoding() throws {
        let spec = try JSONDecoder().decode(ScheduleSpec.self, from: Data(#"{"type": "plateau", "factor": 0.5, "patience": 3}"#.utf8))
        XCTAssertEqual(spec.kind, .plateau(factor: 0.5, patience: 3, threshold: 1e-4, cooldown: 0, minLR: 0))
        XCTAssertThrowsError(try JSONDecoder().decode(ScheduleSpec.self, from: Data(#"{"type": "step", "gamma": 0.5}"#.utf8)))
        XCTAssertThrowsError(try JSONDecoder().decode(ScheduleSpec.self, from: Data(#"{"type": "cosine", "t_max": 5, "tmax": 2}"#.utf8)))
    }
}
