import CKernels

/// How far this machine's two cores scale, the ceiling for every one-against-two comparison
/// (OpenBLAS on 2 threads, the helper thread, 2 MPI processes): the same work on one thread and
/// split over two (this one and the helper), interleaved, for register-resident FMA chains
/// (compute: 2.0 on two real cores) and for a streaming sum over 64 MiB (the shared memory
/// bandwidth). A virtual machine may fall short of 2 in both.
public enum CoreScalingBenchmark {
    public struct Result: Sendable {
        /// Median one-thread time / two-thread time for the FMA chains.
        public let computeSpeedup: Double
        /// The same for the streaming sum.
        public let memorySpeedup: Double
        /// Median GB/s of the streaming sum on one thread and on two.
        public let oneThreadGBps: Double, twoThreadsGBps: Double
    }

    public static func run(repeats: Int = 9) -> Result {
        precondition(repeats > 0, "CoreScalingBenchmark: repeats must be positive")
        let count = 16 << 20  // 64 MiB of floats
        let data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = Float(i & 1023) * 1e-3 }
            initialized = count
        }
        var sink: Float = 0
        func seconds(_ kind: Int32, _ threads: Int32, _ work: Int) -> Double {
            data.withUnsafeBufferPointer { gg_probe_seconds(kind, threads, work, $0.baseAddress, count, &sink) }
        }
        var compute: [Double] = [], memory: [Double] = [], one: [Double] = [], two: [Double] = []
        for _ in 0..<repeats {
            let fma = 4_000_000  // about 20 ms on one core
            compute.append(seconds(0, 1, fma) / seconds(0, 2, fma))
            let (t1, t2) = (seconds(1, 1, 2), seconds(1, 2, 2))
            memory.append(t1 / t2)
            one.append(Double(2 * count * 4) / t1 / 1e9)
            two.append(Double(2 * count * 4) / t2 / 1e9)
        }
        Stopwatch.consume(sink)
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        return Result(computeSpeedup: median(compute), memorySpeedup: median(memory),
                      oneThreadGBps: median(one), twoThreadsGBps: median(two))
    }
}
