import Benchmarks
import XCTest

final class MonitorBenchmarkTests: XCTestCase {
    /// W2 runs with the monitor off and on and reports both times (the goals are read from
    /// `gradguard bench monitor`, not checked here).
    func testW2RunsAndReportsBothTimes() throws {
        let r = try MonitorBenchmark.run(pairs: 2)
        XCTAssertTrue(r.plainMilliseconds > 0 && r.monitoredMilliseconds > 0)
        XCTAssertTrue(r.overhead.isFinite)
    }
}
