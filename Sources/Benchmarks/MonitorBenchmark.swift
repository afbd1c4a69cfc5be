import GradGuard

/// W2: an MLP 784 → 20 hidden layers of 256, sigmoid → 10, cross-entropy, SGD (lr 0.1), batch
/// 128, fixed random data — timed with the gradient monitor off and on (every step), the two
/// alternating in one run so their ratio is the monitor's overhead.
public enum MonitorBenchmark {
    public struct Result: Sendable {
        /// Median milliseconds per step without and with the monitor.
        public let plainMilliseconds: Double
        public let monitoredMilliseconds: Double
        /// monitored / plain − 1.
        public var overhead: Double { monitoredMilliseconds / plainMilliseconds - 1 }
    }

    public static func run(steps: Int = 10, repeats: Int = 5) throws -> Result {
        precondition(steps > 0 && repeats > 0, "MonitorBenchmark: steps and repeats must be positive")
        var rng = RandomGenerator(seed: 0)
        let (batch, width, depth) = (128, 256, 20)
        let data = InMemoryDataset(
            inputs: Tensor<Float>.uniform(shape: [batch, 784], low: 0, high: 1, using: &rng),
            targets: Tensor<Float>((0..<batch).map { Float($0 % 10) }), shuffles: false)
        func makeTrainer() throws -> Trainer<Float> {
            var layers: [Module<Float>] = [Linear(784, width, using: &rng), ActivationLayer(.sigmoid)]
            for _ in 1..<depth { layers += [Linear(width, width, using: &rng), ActivationLayer(.sigmoid)] }
            let model = Sequential<Float>(layers + [Linear(width, 10, using: &rng)])
            return try Trainer(model: model, loss: .crossEntropy, optimizer: try SGD(parameters: model.parameters, learningRate: 0.1))
        }
        let plain = try makeTrainer(), monitored = try makeTrainer()
        let monitor = GradientMonitor(model: monitored.model, every: 1)
        monitor.attach(to: monitored)
        var failure: (any Error)?
        func train(_ trainer: Trainer<Float>, _ count: Int) {
            do { Stopwatch.consume(try trainer.train(on: data, epochs: count, batchSize: batch, using: &rng)) } catch { failure = error }
        }
        train(plain, 3)
        train(monitored, 3)
        var plainTimes: [Double] = [], monitoredTimes: [Double] = []
        for _ in 0..<repeats {
            plainTimes.append(Stopwatch.median(repeats: 1, warmup: 0) { train(plain, steps) })
            monitoredTimes.append(Stopwatch.median(repeats: 1, warmup: 0) { train(monitored, steps) })
        }
        if let failure { throw failure }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] * 1000 / Double(steps) }
        return Result(plainMilliseconds: median(plainTimes), monitoredMilliseconds: median(monitoredTimes))
    }
}
