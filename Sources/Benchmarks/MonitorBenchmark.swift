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
        var w2 = W2()
        let plain = try w2.makeTrainer(), monitored = try w2.makeTrainer()
        let monitor = GradientMonitor(model: monitored.model, every: 1)
        monitor.attach(to: monitored)
        let times = try w2.rotate([plain, monitored], rounds: pairs)
        return Result(plainMilliseconds: SampleMedian(times[0]).median * 1000,
                      monitoredMilliseconds: SampleMedian(times[1]).median * 1000,
                      overheads: SampleMedian(zip(times[1], times[0]).map { $0 / $1 - 1 }))
    }

    /// W2's data and trainers, and the timing of trainers' steps in rotation.
    struct W2 {
        var rng = RandomGenerator(seed: 0)
        let batch = 128, width = 256, depth = 20
        let data: InMemoryDataset<Float>

        init() {
            data = InMemoryDataset(
                inputs: Tensor<Float>.uniform(shape: [batch, 784], low: 0, high: 1, using: &rng),
                targets: Tensor<Float>((0..<batch).map { Float($0 % 10) }), shuffles: false)
        }

        /// A fresh W2 model with its trainer (plain SGD, no monitor).
        mutating func makeTrainer() throws -> Trainer<Float> {
            var layers: [Module<Float>] = [Linear(784, width, using: &rng), ActivationLayer(.sigmoid)]
            for _ in 1..<depth { layers += [Linear(width, width, using: &rng), ActivationLayer(.sigmoid)] }
            let model = Sequential<Float>(layers + [Linear(width, 10, using: &rng)])
            return try Trainer(model: model, loss: .crossEntropy, optimizer: try SGD(parameters: model.parameters, learningRate: 0.1))
        }

        /// Seconds per step of each trainer over `rounds` rounds of one step each, after three
        /// untimed steps each. The order rotates by one every round, so no trainer always runs
        /// after the same other one. Each trainer's steps are numbered on from its earlier ones
        /// (steps 0–2 untimed, then 3, 4, …), so a monitor recording every n-th step sees them;
        /// each call starts from an empty history, so no step copies the ones before it.
        mutating func rotate(_ trainers: [Trainer<Float>], rounds: Int) throws -> [[Double]] {
            var failure: (any Error)?
            func train(_ trainer: Trainer<Float>, _ count: Int) {
                var start = trainer.position
                start.history = History()
                do {
                    Stopwatch.consume(try trainer.train(on: data, epochs: start.epoch + count, batchSize: batch, using: &rng, from: start))
                } catch { failure = error }
            }
            for trainer in trainers { train(trainer, 3) }
            var times = [[Double]](repeating: [], count: trainers.count)
            var firstSteps = 0, otherSteps = 0.0
            for round in 0..<rounds {
                for k in trainers.indices {
                    let side = (k + round) % trainers.count
                    times[side].append(Stopwatch.median(repeats: 1, warmup: 0) {
                        if side == 0 { Self.firstSide(&firstSteps) { train(trainers[side], 1) } }
                        else { Self.otherSide(&otherSteps) { train(trainers[side], 1) } }
                    })
                }
            }
            if let failure { throw failure }
            return times
        }

        /// The first trainer's steps (the plain one) run inside this function and the others'
        /// inside `otherSide`: two symbols that a sampling profiler sees on the stack, so that
        /// `benchmarks/profile-monitor.sh` can split `perf`'s samples between the plain and the
        /// monitored steps. Each counts its steps in a different type, and neither is optimised:
        /// with the same body the optimiser made one of them a jump to the other.
        @inline(never) @_optimize(none) static func firstSide(_ steps: inout Int, _ step: () -> Void) {
            step()
            steps += 1
        }

        @inline(never) @_optimize(none) static func otherSide(_ steps: inout Double, _ step: () -> Void) {
            step()
            steps += 1
        }
    }
}
