import Benchmarks
import TensorCore
import XCTest

final class MLPBenchmarkTests: XCTestCase {
    /// W3 trains and reports its time and the GFLOP/s of its matrix products (the goals are read
    /// from `gradguard bench mlp` and benchmarks/compare.sh, not checked here).
    func testW3RunsAndCountsItsFlops() throws {
        let r = try MLPBenchmark.run(steps: 1, repeats: 1)
        XCTAssertGreaterThan(r.milliseconds, 0)
        // 6 · batch · (784·1024 + 1024·1024 + 1024·1024 + 1024·10) floating-point operations, less
        // the first layer's input gradient (2 · batch · 784·1024), which no step computes.
        XCTAssertEqual(r.flopsPerStep, 6 * 256 * (784 * 1024 + 2 * 1024 * 1024 + 10240) - 2 * 256 * 784 * 1024)
        XCTAssertTrue(r.gflops.isFinite && r.gflops > 0)
        XCTAssertTrue(r.sgemmGFLOPS.isFinite && r.sgemmGFLOPS > 0)
        XCTAssertEqual(r.shareOfSgemm, r.gflops / r.sgemmGFLOPS, accuracy: 1e-9, "one run: its own rate over the sgemm after it")
    }
}

final class GemmThreadsBenchmarkTests: XCTestCase {
    func testEveryShapeIsTimedWithOneAndTwoThreadsAndThePanelKernel() {
        // A debug build's C kernels are unoptimised: the small shapes, few products.
        let shapes = GemmThreadsBenchmark.shapes.filter { $0.m * $0.n * $0.k <= 1 << 22 }
        let rows = GemmThreadsBenchmark.run(repeats: 1, shapes: shapes, flops: 1e7)
        XCTAssertEqual(rows.count, shapes.count)
        XCTAssertTrue(rows.allSatisfy { $0.oneThread > 0 && $0.twoThreads > 0 })
        XCTAssertTrue(rows.allSatisfy { ($0.panel ?? 1) > 0 })
        for (row, shape) in zip(rows, shapes) {
            XCTAssertEqual(row.halves != nil, shape.m * shape.n * shape.k >= BLASThreading.splitMultiplyAdds, "halves timed where split")
            XCTAssertGreaterThan(row.halves ?? 1, 0)
        }
        XCTAssertEqual(rows.allSatisfy { $0.panel != nil }, vectorISA != "baseline", "the panel kernel runs wherever AVX2 + FMA does")
    }
}

final class CoreScalingBenchmarkTests: XCTestCase {
    func testBothProbesAreTimedOnOneAndTwoThreads() {
        let r = CoreScalingBenchmark.run(repeats: 1)
        XCTAssertGreaterThan(r.computeSpeedup, 0)
        XCTAssertGreaterThan(r.memorySpeedup, 0)
        XCTAssertGreaterThan(r.oneThreadGBps, 0)
        XCTAssertEqual(r.twoThreadsGBps / r.oneThreadGBps, r.memorySpeedup, accuracy: 1e-9, "one timing gives both figures")
    }
}
