import CBLAS
import TensorCore

/// `cblas_sgemm` with 1 and with 2 OpenBLAS threads, for the GEMM shapes the workloads run
/// (W1's tiny layers, W2's 256-wide layers at batch 128, W3's 1024-wide ones at batch 256, an
/// LSTM step and its sequence-long input projection), interleaved in one run. It tells whether
/// small GEMMs should run on one thread.
public enum GemmThreadsBenchmark {
    /// One shape: C[m×n] = A[m×k]·B[k×n], and microseconds per product with 1 and 2 threads.
    public struct Row: Sendable {
        public let m: Int, n: Int, k: Int
        public let oneThread: Double
        public let twoThreads: Double
        /// one thread's time / two threads' (above 1: two are faster).
        public var speedup: Double { oneThread / twoThreads }
    }

    /// The workloads' shapes (m, n, k) and what they are.
    public static let shapes: [(m: Int, n: Int, k: Int, what: String)] = [
        (64, 50, 10, "W1 layer 1"), (64, 1, 50, "W1 layer 2"),
        (128, 256, 784, "W2 first layer"), (128, 256, 256, "W2 hidden layer"), (256, 256, 128, "W2 weight gradient"),
        (256, 1024, 784, "W3 first layer"), (256, 1024, 1024, "W3 hidden layer"), (1024, 1024, 256, "W3 weight gradient"),
        (32, 512, 128, "W4 one LSTM step"), (3200, 512, 32, "W4 input projection"),
    ]

    public static func run(repeats: Int = 5) -> [Row] {
        precondition(repeats > 0, "GemmThreadsBenchmark: repeats must be positive")
        let before = openblas_get_num_threads()
        defer { openblas_set_num_threads(before) }
        var rng = RandomGenerator(seed: 2)
        var rows: [Row] = []
        for shape in shapes {
            let a = Tensor<Float>.normal(shape: [shape.m, shape.k], using: &rng)
            let b = Tensor<Float>.normal(shape: [shape.k, shape.n], using: &rng)
            var c = [Float](repeating: 0, count: shape.m * shape.n)
            // Enough products per timing for about 20 ms of work at 100 GFLOP/s.
            let count = Swift.max(1, Int(2e9 / (2 * Double(shape.m * shape.n * shape.k))))
            func time(threads: Int32) -> Double {
                openblas_set_num_threads(threads)
                return Stopwatch.median(repeats: 1, warmup: 0) {
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { pc in
                                for _ in 0..<count {
                                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(shape.m), blasint(shape.n), blasint(shape.k),
                                                1, pa.baseAddress, blasint(shape.k), pb.baseAddress, blasint(shape.n), 0, pc.baseAddress, blasint(shape.n))
                                }
                            }
                        }
                    }
                } * 1e6 / Double(count)
            }
            var one: [Double] = [], two: [Double] = []
            _ = time(threads: 1)
            _ = time(threads: 2)
            for _ in 0..<repeats {
                one.append(time(threads: 1))
                two.append(time(threads: 2))
            }
            Stopwatch.consume(c)
            rows.append(Row(m: shape.m, n: shape.n, k: shape.k, oneThread: one.sorted()[repeats / 2], twoThreads: two.sorted()[repeats / 2]))
        }
        return rows
    }
}
