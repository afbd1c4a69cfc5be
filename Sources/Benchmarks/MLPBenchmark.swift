import GradGuard

/// W3: an MLP 784 → 1024 → 1024 → 1024 → 10, ReLU, cross-entropy, Adam (lr 1e-3), batch 256,
/// fixed random data, monitor off: milliseconds per training step and the GFLOP/s that makes
/// (forward 2·B·Σ fan_in·fan_out; backward 2·B·fan_in·fan_out per weight gradient and as much
/// per input gradient, which the first layer has none of: its input needs no gradient), set
/// against the machine's sgemm rate measured after each run in the same process.
public enum MLPBenchmark {
    public struct Result: Sendable {
        /// Median milliseconds per step.
        public let milliseconds: Double
        /// Floating-point operations of one step's matrix products.
        public let flopsPerStep: Double
        public var gflops: Double { flopsPerStep / milliseconds / 1e6 }
        /// The median over runs of a 1024² `cblas_sgemm`'s GFLOP/s, measured right after each run.
        public let sgemmGFLOPS: Double
        /// The median over runs of each run's GFLOP/s over the sgemm rate measured right after
        /// it: the share of the machine's GEMM speed a training step reaches, robust to a rate
        /// that drifts between runs (goal ≥ 0.75).
        public let shareOfSgemm: Double
    }

    public static let sizes = [784, 1024, 1024, 1024, 10]
    public static let batch = 256

    /// - Parameter parallelism: share each batch with other processes (`mpirun`; each trains its
    ///   rows, one all-reduce per step); nil: this process alone.
    public static func run(steps: Int = 10, repeats: Int = 5, parallelism: (any DataParallelism)? = nil) throws -> Result {
        precondition(steps > 0 && repeats > 0, "MLPBenchmark: steps and repeats must be positive")
        var rng = RandomGenerator(seed: 0)
        let data = InMemoryDataset(
            inputs: Tensor<Float>.uniform(shape: [batch, sizes[0]], low: 0, high: 1, using: &rng),
            targets: Tensor<Float>((0..<batch).map { Float($0 % 10) }), shuffles: false)
        var layers: [Module<Float>] = []
        for (i, (fanIn, fanOut)) in zip(sizes, sizes.dropFirst()).enumerated() {
            layers.append(Linear(fanIn, fanOut, weightInitializer: .kaimingNormal(nonlinearity: .relu), using: &rng))
            if i < sizes.count - 2 { layers.append(ActivationLayer(.relu)) }
        }
        let model = Sequential<Float>(layers)
        let trainer = try Trainer(model: model, loss: .crossEntropy, optimizer: try Adam(parameters: model.parameters, learningRate: 1e-3))
        trainer.parallelism = parallelism
        var failure: (any Error)?
        func timedRun() -> Double {
            Stopwatch.median(repeats: 1, warmup: 0) {
                do { Stopwatch.consume(try trainer.train(on: data, epochs: steps, batchSize: batch, using: &rng)) } catch { failure = error }
            }
        }
        _ = timedRun()  // warm-up
        let products = zip(sizes, sizes.dropFirst()).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        let flops = 6 * Double(batch) * products - 2 * Double(batch * sizes[0] * sizes[1])
        // Each run, then the machine's sgemm rate at once: the rate drifts on a shared machine.
        var times: [Double] = [], rates: [Double] = [], shares: [Double] = []
        for _ in 0..<repeats {
            let seconds = timedRun()
            let rate = MatmulBenchmark.sgemmRate()
            times.append(seconds)
            rates.append(rate)
            shares.append(flops * Double(steps) / seconds / 1e9 / rate)
        }
        if let failure { throw failure }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        return Result(milliseconds: median(times) * 1000 / Double(steps), flopsPerStep: flops, sgemmGFLOPS: median(rates),
                      shareOfSgemm: median(shares))
    }
}
