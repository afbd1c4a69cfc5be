import GradGuard

/// Seed 001's workload (Linear(10,50)–ReLU–Linear(50,1), MSE, Adam, norm clip 1.0, fresh
/// batches of 64) timed end to end per training step, data generation included as in PyTorch's
/// `torch.randn` loop.
public enum Seed001Benchmark {
    /// Milliseconds per step: the median over `repeats` runs of `steps` steps.
    public static func run(steps: Int = 100, repeats: Int = 7) throws -> Double {
        precondition(steps > 0 && repeats > 0, "Seed001Benchmark: steps and repeats must be positive")
        var failure: (any Error)?
        let seconds = Stopwatch.median(repeats: repeats) {
            do {
                let (trainer, data) = try Seed001Example.makeTrainer(seed: 0)
                var rng = RandomGenerator(seed: 1)
                Stopwatch.consume(try trainer.train(on: data, epochs: steps, batchSize: 64, using: &rng))
            } catch { failure = error }
        }
        if let failure { throw failure }
        return seconds * 1000 / Double(steps)
    }
}
