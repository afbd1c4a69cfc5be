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
