import GradGuard

/// W4 / W5: a recurrent layer (LSTM for W4, tanh RNN for W5) with input 32, hidden 128, over
/// sequences of 100 steps in batches of 32, a linear head on the last step, MSE, Adam (lr 1e-3),
/// global-norm clipping at 1.0; fixed random data. The same workload as
/// `benchmarks/recurrent_pytorch.py`.
public enum RecurrentBenchmark {
    /// Which recurrent layer the workload uses.
    public enum Workload: String, CaseIterable, Sendable {
        /// W4.
        case lstm
        /// W5.
        case rnn

        public var label: String { self == .lstm ? "W4 lstm" : "W5 rnn" }
    }

    /// Milliseconds per training step: the median over `repeats` runs of `steps` steps, after
    /// a warm-up run.
    public static func run(_ workload: Workload, steps: Int = 20, repeats: Int = 5) throws -> Double {
        precondition(steps > 0 && repeats > 0, "RecurrentBenchmark: steps and repeats must be positive")
        var rng = RandomGenerator(seed: 0)
        let (batch, length, input, hidden) = (32, 100, 32, 128)
        let data = InMemoryDataset(
            inputs: Tensor<Float>.normal(shape: [batch, length, input], using: &rng),
            targets: Tensor<Float>.normal(shape: [batch, 1], using: &rng), shuffles: false)
        let recurrent: Module<Float> = workload == .lstm
            ? LSTM(input, hidden, using: &rng) : RNN(input, hidden, nonlinearity: .tanh, using: &rng)
        let model = Sequential<Float>(recurrent, Linear(hidden, 1, using: &rng))
        let trainer = try Trainer(
            model: model, loss: .mse, optimizer: try Adam(parameters: model.parameters, learningRate: 1e-3),
            clipper: try GradientClipper(rule: .norm(maxNorm: 1)))
        var failure: (any Error)?
        func train(_ count: Int) {
            do { Stopwatch.consume(try trainer.train(on: data, epochs: count, batchSize: batch, using: &rng)) } catch {
                failure = error
            }
        }
        train(3)
        let seconds = Stopwatch.median(repeats: repeats) { train(steps) }
        if let failure { throw failure }
        return seconds * 1000 / Double(steps)
    }
}
