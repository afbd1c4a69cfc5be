import TensorCore

/// Element-wise Float throughput through the Tensor API against the same loop written by hand
/// over unsafe buffers (both allocate their result), measured side by side in one run.
public struct ElementwiseBenchmark: Sendable {
    /// One operation's timings in nanoseconds per element.
    public struct Row: Sendable {
        public let operation: String
        public let tensorNanoseconds: Double
        public let handWrittenNanoseconds: Double
        /// Hand-written time over Tensor time (1 = as fast; goal ≥ 0.9).
        public var ratio: Double { handWrittenNanoseconds / tensorNanoseconds }
    }

    public let count: Int
    public let rows: [Row]

    /// Runs add (broadcast bias row), multiply, ReLU and sigmoid on `count` elements; the sigmoid
    /// row compares the vectorised kernel with a plain loop over libm `expf`.
    public static func run(count: Int = 1 << 20, repeats: Int = 15) -> ElementwiseBenchmark {
        precondition(count >= 256, "ElementwiseBenchmark: count must be at least 256")
        var rng = RandomGenerator(seed: 2)
        let width = 256
        let a = Tensor<Float>.normal(shape: [count / width, width], using: &rng)
        let b = Tensor<Float>.normal(shape: [count / width, width], using: &rng)
        let bias = Tensor<Float>.normal(shape: [width], using: &rng)
        var sink: Float = 0
        func time(_ body: () -> Float) -> Double {
            Stopwatch.median(repeats: repeats) { sink += body() } * 1e9 / Double(a.count)
        }
        func handWritten(_ f: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void) -> Float {
            let out = [Float](unsafeUninitializedCapacity: a.count) { buffer, n in
                a.withUnsafeBufferPointer { f($0, buffer) }
                n = a.count
            }
            return out[0]
        }
        let rows = [
            Row(operation: "add bias row",
                tensorNanoseconds: time { (a + bias).scalars[0] },
                handWrittenNanoseconds: time {
                    bias.withUnsafeBufferPointer { pb in
                        handWritten { src, out in
                            let inner = pb.count  // known at run time only, as in real code
                            for row in 0..<(src.count / inner) {
                                for j in 0..<inner { out[row * inner + j] = src[row * inner + j] + pb[j] }
                            }
                        }
                    }
                }),
            Row(operation: "multiply",
                tensorNanoseconds: time { (a * b).scalars[0] },
                handWrittenNanoseconds: time {
                    b.withUnsafeBufferPointer { pb in
                        handWritten { src, out in for i in 0..<src.count { out[i] = src[i] * pb[i] } }
                    }
                }),
            Row(operation: "relu",
                tensorNanoseconds: time { a.applying(.relu).scalars[0] },
                handWrittenNanoseconds: time { handWritten { src, out in for i in 0..<src.count { out[i] = src[i] > 0 ? src[i] : 0 } } }),
            Row(operation: "sigmoid/libm",
                tensorNanoseconds: time { a.applying(.sigmoid).scalars[0] },
                handWrittenNanoseconds: time {
                    handWritten { src, out in
                        for i in 0..<src.count {
                            let x = src[i]
                            if x >= 0 { out[i] = 1 / (1 + Float.exp(-x)) } else { let e = Float.exp(x); out[i] = e / (1 + e) }
                        }
                    }
                }),
        ]
        Stopwatch.consume(sink)
        return ElementwiseBenchmark(count: a.count, rows: rows)
    }
}
