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
        let (trainers, tap, monitor, everyOther) = try MonitorBreakdown.makeSides(&w2)
        let times = try w2.rotate(trainers, rounds: 2)
        XCTAssertEqual(times.map(\.count), [2, 2, 2, 2, 2, 2])
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
        // Steps are numbered on across rounds: the sixth side recorded steps 0, 2 and 4 of 0–4.
        XCTAssertEqual(everyOther.records.map(\.step), [0, 2, 4])
        XCTAssertEqual(trainers[5].position.step, 5)
    }

    /// The recording cost pairs each recorded step (timed steps 4, 6, …: odd positions) with the
    /// unrecorded one before it.
    func testRecordedStepsArePairedWithTheStepBefore() {
        let ratios = MonitorBreakdown.recordedOverUnrecorded([1, 1.5, 2, 3, 4])
        XCTAssertEqual(ratios, [0.5, 0.5])
    }
}
