@testable import Benchmarks
import GradGuard
import XCTest

final class MonitorBenchmarkTests: XCTestCase {
    /// W2 runs with the monitor off and on and reports both times (the goals are read from
    /// `gradguard bench monitor`, not checked here).
    func testW2RunsAndReportsBothTimes() throws {
        let r = try MonitorBenchmark.run(pairs: 2)
        XCTAssertTrue(r.plainMilliseconds > 0 && r.monitoredMilliseconds > 0)
        XCTAssertTrue(r.overhead.isFinite)
    }

    /// Each side of the breakdown runs what it stands for, and only that: the plain and control
    /// trainers measure nothing, the measuring one measures every weight, the tap sees every
    /// layer's statistics, and the monitor records every step.
    func testBreakdownSidesRunTheirPartOnly() throws {
        var w2 = MonitorBenchmark.W2()
        let (trainers, tap, monitor) = try MonitorBreakdown.makeSides(&w2)
        let times = try w2.rotate(trainers, rounds: 2)
        XCTAssertEqual(times.map(\.count), [2, 2, 2, 2, 2])
        for plain in trainers[0...1] { XCTAssertTrue(plain.optimizer.measures.allSatisfy { $0 == nil }) }
        XCTAssertTrue(trainers[2].optimizer.measures.allSatisfy { $0 != nil })
        XCTAssertTrue(trainers[3].optimizer.measures.allSatisfy { $0 == nil })
        // The breakdown's callback collected every step; a forward pass of the tap's model gives
        // each of its 41 layers' output with a summary.
        XCTAssertTrue(tap.collect().isEmpty)
        Stopwatch.consume(trainers[3].model(Variable(w2.data.inputs)))
        let records = tap.collect()
        XCTAssertEqual(records.count, 41)
        XCTAssertTrue(records.allSatisfy { $0.summary != nil })
        XCTAssertEqual(monitor.records.count, 5, "three warm-up steps and two rounds, each recorded")
        XCTAssertEqual(monitor.records.last?.layers.count, 41)
    }
}
