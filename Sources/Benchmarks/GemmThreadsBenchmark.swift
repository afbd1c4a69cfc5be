import CBLAS
import Foundation
import TensorCore

/// The GEMM shapes the workloads run, in the forms a training step runs them (forward `x·Wᵀ`,
/// input gradient `g·W`, weight gradient `gᵀ·x`), each timed through `cblas_sgemm` with 1 and
/// with 2 OpenBLAS threads, as two single-threaded calls at once on the two halves of C
/// (`BLASThreading`, for products it splits) and through `PanelGemm` (CKernels' kernel on this
/// thread and the helper), interleaved in one run. It tells whether small GEMMs should run on
/// one thread, and up to which size the panel kernel beats OpenBLAS (`PanelGemm.isPreferred`).
public enum GemmThreadsBenchmark {
    /// One shape: C[m×n] = op(A)·op(B), and microseconds per product each way.
    public struct Row: Sendable {
        public let m: Int, n: Int, k: Int
        public let oneThread: Double
        public let twoThreads: Double
        /// Two single-threaded calls at once, one per half of C (`BLASThreading.run`); nil for a
        /// product below `BLASThreading.splitMultiplyAdds`, which it never splits.
        public let halves: Double?
        /// PanelGemm's time; nil where it does not run on this CPU.
        public let panel: Double?
        /// one thread's time / two threads' (above 1: two are faster).
        public var speedup: Double { oneThread / twoThreads }
        /// OpenBLAS's best time (one thread, two, or halves) / PanelGemm's (above 1: the panel
        /// kernel is faster).
        public var panelSpeedup: Double? { panel.map { Swift.min(oneThread, twoThreads, halves ?? .infinity) / $0 } }
    }

    /// A product's shape and form: `op(A)` is m × k, `op(B)` is k × n.
    public struct Shape: Sendable {
        public let m: Int, n: Int, k: Int
        public let transposeA: Bool, transposeB: Bool
        public let what: String
    }

    /// The workloads' products (m, n, k) and what they are.
    public static let shapes: [Shape] = [
        Shape(m: 64, n: 50, k: 10, transposeA: false, transposeB: true, what: "W1 layer 1 forward"),
        Shape(m: 64, n: 1, k: 50, transposeA: false, transposeB: true, what: "W1 layer 2 forward"),
        Shape(m: 128, n: 256, k: 784, transposeA: false, transposeB: true, what: "W2 first layer forward"),
        Shape(m: 256, n: 784, k: 128, transposeA: true, transposeB: false, what: "W2 first layer weight gradient"),
        Shape(m: 128, n: 256, k: 256, transposeA: false, transposeB: true, what: "W2 hidden layer forward"),
        Shape(m: 128, n: 256, k: 256, transposeA: false, transposeB: false, what: "W2 hidden layer input gradient"),
        Shape(m: 256, n: 256, k: 128, transposeA: true, transposeB: false, what: "W2 hidden layer weight gradient"),
        Shape(m: 256, n: 1024, k: 784, transposeA: false, transposeB: true, what: "W3 first layer forward"),
        Shape(m: 256, n: 1024, k: 1024, transposeA: false, transposeB: true, what: "W3 hidden layer forward"),
        Shape(m: 1024, n: 1024, k: 256, transposeA: true, transposeB: false, what: "W3 hidden layer weight gradient"),
        Shape(m: 32, n: 512, k: 128, transposeA: false, transposeB: false, what: "W4 one LSTM step"),
        Shape(m: 3200, n: 512, k: 32, transposeA: false, transposeB: true, what: "W4 input projection"),
    ]

    /// OpenBLAS's waiting threads stay awake about 2²⁸ cycles (0.1 s) after a product; the panel
    /// kernel is timed after this pause, so that they do not compete with it for the cores, as in
    /// a training step that runs all its products on the panel kernel.
    static let blasThreadsAsleep: TimeInterval = 0.15

    /// Times each of `shapes` (default: all of `shapes`) `repeats` times each way, each timing
    /// running enough products for `flops` floating-point operations (default 2e9, about 20 ms
    /// at 100 GFLOP/s); medians.
    public static func run(repeats: Int = 5, shapes: [Shape] = GemmThreadsBenchmark.shapes, flops: Double = 2e9) -> [Row] {
        precondition(repeats > 0, "GemmThreadsBenchmark: repeats must be positive")
        let before = openblas_get_num_threads()
        defer { openblas_set_num_threads(before) }
        var rng = RandomGenerator(seed: 2)
        var rows: [Row] = []
        for shape in shapes {
            let (m, n, k) = (shape.m, shape.n, shape.k)
            let a = Tensor<Float>.normal(shape: shape.transposeA ? [k, m] : [m, k], using: &rng)
            let b = Tensor<Float>.normal(shape: shape.transposeB ? [n, k] : [k, n], using: &rng)
            let (lda, ldb) = (a.shape[1], b.shape[1])
            var c = [Float](repeating: 0, count: m * n)
            let count = Swift.max(1, Int(flops / (2 * Double(m * n * k))))
            func time(_ product: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Double {
                Stopwatch.median(repeats: 1, warmup: 0) {
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { pc in
                                for _ in 0..<count { product(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!) }
                            }
                        }
                    }
                } * 1e6 / Double(count)
            }
            /// `cblas_sgemm` for `rows × columns` of C, from A, B and C as given (a half's first elements).
            func sgemm(_ rows: Int, _ columns: Int, _ pa: UnsafePointer<Float>, _ pb: UnsafePointer<Float>, _ pc: UnsafeMutablePointer<Float>) {
                cblas_sgemm(CblasRowMajor, shape.transposeA ? CblasTrans : CblasNoTrans, shape.transposeB ? CblasTrans : CblasNoTrans,
                            blasint(rows), blasint(columns), blasint(k), 1, pa, blasint(lda), pb, blasint(ldb), 0, pc, blasint(n))
            }
            func blas(threads: Int32) -> Double {
                openblas_set_num_threads(threads)
                return time { pa, pb, pc in sgemm(m, n, pa, pb, pc) }
            }
            func halves() -> Double {
                openblas_set_num_threads(1)
                return time { pa, pb, pc in
                    BLASThreading.run(
                        transposeA: shape.transposeA, transposeB: shape.transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: n,
                        splitting: true
                    ) { rows, columns, aOffset, bOffset, cOffset in sgemm(rows, columns, pa + aOffset, pb + bOffset, pc + cOffset) }
                }
            }
            let splits = m * n * k >= BLASThreading.splitMultiplyAdds
            var runs = true
            func panel() -> Double {
                Thread.sleep(forTimeInterval: blasThreadsAsleep)
                return time { pa, pb, pc in
                    runs = PanelGemm.multiply(transposeA: shape.transposeA, transposeB: shape.transposeB, m: m, n: n, k: k,
                                              a: pa, lda: lda, b: pb, ldb: ldb, c: pc, ldc: n, accumulate: false)
                }
            }
            var one: [Double] = [], two: [Double] = [], split: [Double] = [], panels: [Double] = []
            _ = (blas(threads: 1), blas(threads: 2), panel(), splits ? halves() : 0)
            for _ in 0..<repeats {
                panels.append(panel())
                if splits { split.append(halves()) }
                one.append(blas(threads: 1))
                two.append(blas(threads: 2))
            }
            Stopwatch.consume(c)
            rows.append(Row(m: m, n: n, k: k, oneThread: one.sorted()[repeats / 2], twoThreads: two.sorted()[repeats / 2],
                            halves: splits ? split.sorted()[repeats / 2] : nil, panel: runs ? panels.sorted()[repeats / 2] : nil))
        }
        return rows
    }
}
