import Foundation
import CBLAS
import TensorCore

/// GFLOP/s of an n×n Float matrix product through `Tensor.matmul` (allocating its result,
/// as user code does) and through `cblas_sgemm` directly on all of OpenBLAS's threads, measured
/// side by side in one run.
public struct MatmulBenchmark: Sendable {
    public let size: Int
    public let tensorGFLOPS: Double
    public let directGFLOPS: Double
    /// Tensor path over direct call (goal ≥ 0.9).
    public var ratio: Double { tensorGFLOPS / directGFLOPS }

    /// Runs both paths `repeats` times each, interleaved per round so drift hits both alike.
    public static func run(size n: Int = 1024, repeats: Int = 9) -> MatmulBenchmark {
        precondition(n > 0, "MatmulBenchmark: size must be positive")
        var rng = RandomGenerator(seed: 1)
        let a = Tensor<Float>.normal(shape: [n, n], using: &rng)
        let b = Tensor<Float>.normal(shape: [n, n], using: &rng)
        var c = [Float](repeating: 0, count: n * n)
        var sink: Float = 0
        let flops = 2 * Double(n) * Double(n) * Double(n)
        var tensorTimes: [Double] = [], directTimes: [Double] = []
        for _ in 0..<repeats {
            tensorTimes.append(Stopwatch.median(repeats: 1) { sink += Tensor.matmul(a, b).scalars[0] })
            directTimes.append(onOpenBLASThreads { Stopwatch.median(repeats: 1) { sink += sgemm(n, a, b, into: &c) } })
        }
        Stopwatch.consume(sink)
        let median = { (t: [Double]) in t.sorted()[t.count / 2] }
        return MatmulBenchmark(size: n, tensorGFLOPS: flops / median(tensorTimes) / 1e9,
                               directGFLOPS: flops / median(directTimes) / 1e9)
    }

    /// One n×n `cblas_sgemm` of `a` and `b` into `c`; returns an element of the result.
    static func sgemm(_ n: Int, _ a: Tensor<Float>, _ b: Tensor<Float>, into c: inout [Float]) -> Float {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(n), blasint(n), blasint(n),
                                1, pa.baseAddress, blasint(n), pb.baseAddress, blasint(n), 0, pc.baseAddress, blasint(n))
                }
            }
        }
        return c[0]
    }

    /// Runs `body` with OpenBLAS on all its threads: where GradGuard keeps it on one
    /// (`BLASThreading.splitsProducts`), on two for `body`, then on one again after 0.2 s for its
    /// second thread to stop waiting for work (it waits actively for about 0.1 s), so that what
    /// runs next does not share a CPU with it.
    static func onOpenBLASThreads<T>(_ body: () -> T) -> T {
        guard BLASThreading.splitsProducts else { return body() }
        openblas_set_num_threads(2)
        defer {
            openblas_set_num_threads(1)
            Thread.sleep(forTimeInterval: 0.2)
        }
        return body()
    }

    /// The machine's sgemm rate now: GFLOP/s of the median of `repeats` n×n `cblas_sgemm` calls
    /// (default 1024, 3) on all of OpenBLAS's threads (`onOpenBLASThreads`), for a benchmark to
    /// set its own rate against, measured between its runs.
    public static func sgemmRate(size n: Int = 1024, repeats: Int = 3) -> Double {
        onOpenBLASThreads { openBLASRate(size: n, repeats: repeats) }
    }

    private static func openBLASRate(size n: Int, repeats: Int) -> Double {
        var rng = RandomGenerator(seed: 1)
        // Uniform operands: cheaper to draw than normal ones, and the rate does not depend on them.
        let a = Tensor<Float>.uniform(shape: [n, n], low: -1, high: 1, using: &rng)
        let b = Tensor<Float>.uniform(shape: [n, n], low: -1, high: 1, using: &rng)
        var c = [Float](repeating: 0, count: n * n)
        var sink: Float = 0
        let seconds = Stopwatch.median(repeats: repeats) { sink += sgemm(n, a, b, into: &c) }
        Stopwatch.consume(sink)
        return 2 * Double(n) * Double(n) * Double(n) / seconds / 1e9
    }
}
