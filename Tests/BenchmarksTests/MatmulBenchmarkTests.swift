import Benchmarks
import XCTest

final class MatmulBenchmarkTests: XCTestCase {
    /// Runs the benchmark on a small size: it reports positive, finite rates (no timing goal here:
    /// speed is measured by `gradguard bench matmul`, not by tests).
    func testReportsBothPaths() {
        let r = MatmulBenchmark.run(size: 32, repeats: 3)
        XCTAssertEqual(r.size, 32)
        XCTAssertTrue(r.tensorGFLOPS.isFinite && r.tensorGFLOPS > 0)
        XCTAssertTrue(r.directGFLOPS.isFinite && r.directGFLOPS > 0)
    }
}

final class ElementwiseBenchmarkTests: XCTestCase {
    func testReportsEveryOperation() {
        let r = ElementwiseBenchmark.run(count: 1024, repeats: 3)
        XCTAssertEqual(r.rows.map(\.operation), ["add bias row", "multiply", "relu", "sigmoid/libm"])
        XCTAssertTrue(r.rows.allSatisfy { $0.tensorNanoseconds > 0 && $0.handWrittenNanoseconds > 0 })
    }
}
