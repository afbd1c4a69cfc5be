import GradGuard

/// W2: an MLP 784 → 20 hidden layers of 256, sigmoid → 10, cross-entropy, SGD (lr 0.1), batch
/// 128, fixed random data — timed with the gradient monitor off and on (every step). The two
/// alternate step by step and the overhead is the median of each pair's ratio, so a burst of
/// load from elsewhere on the machine (which lasts longer than a step) slows both sides of a
/// pair alike instead of one side of the comparison. On a shared virtual machine one pair's
/// ratio spreads over ±15 %, so 200 pairs place the median within about ±2.5 points (its 95 %
/// confidence interval, reported); a 3 % goal needs a few thousand pairs to check.
public enum MonitorBenchmark {
    public struct Result: Sendable {
        /// Median milliseconds per step without and with the monitor.
        public let plainMilliseconds: Double
        public let monitoredMilliseconds: Double
        /// Over step pairs, monitored / plain − 1: its median (the overhead), quartiles (the
        /// spread of one pair) and the median's 95 % confidence interval.
        public let overheads: SampleMedian
        /// The median over step pairs of monitored / plain − 1.
        public var overhead: Double { overheads.median }
    }

    /// Times `pairs` pairs of steps (default 200), one with the monitor off and one with it on.
    public static func run(pairs: Int = 200) throws -> Result {
        precondition(pairs > 0, "MonitorBenchmark: pairs must be positive")
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
        for pair in 0..<pairs {
            // Alternate which side goes first, so neither always follows the other.
            let order = pair % 2 == 0 ? [plain, monitored] : [monitored, plain]
            for trainer in order {
                let time = Stopwatch.median(repeats: 1, warmup: 0) { train(trainer, 1) }
                if trainer === plain { plainTimes.append(time) } else { monitoredTimes.append(time) }
            }
        }
        if let failure { throw failure }
        return Result(plainMilliseconds: SampleMedian(plainTimes).median * 1000,
                      monitoredMilliseconds: SampleMedian(monitoredTimes).median * 1000,
                      overheads: SampleMedian(zip(monitoredTimes, plainTimes).map { $0 / $1 - 1 }))
    }
}
