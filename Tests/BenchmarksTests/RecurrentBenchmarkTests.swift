import Benchmarks
import XCTest

final class RecurrentBenchmarkTests: XCTestCase {
    /// One timed step of W5 runs and reports a positive time (the goal is checked by
    /// `benchmarks/recurrent.sh`, not here).
    func testW5RunsAndReportsATime() throws {
        let ms = try RecurrentBenchmark.run(.rnn, steps: 1, repeats: 1)
        XCTAssertTrue(ms.isFinite && ms > 0)
    }
}
