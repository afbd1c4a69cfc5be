/// Seed 001's example: Linear(10, 50)–ReLU–Linear(50, 1), MSE, Adam (lr 1e-3), global-norm
/// clipping at 1.0, 100 epochs of one fresh N(0, 1) batch of 64.
public enum Seed001Example {
    /// A ready trainer (PyTorch's default init from `seed`) and its data.
    public static func makeTrainer(seed: UInt64) throws -> (trainer: Trainer<Float>, data: RandomRegression<Float>) {
        var rng = RandomGenerator(seed: seed)
        let model = Sequential<Float>(Linear(10, 50, using: &rng), ActivationLayer(.relu), Linear(50, 1, using: &rng))
        let trainer = try Trainer(
            model: model, loss: .mse, optimizer: try Adam(parameters: model.parameters, learningRate: 1e-3),
            clipper: try GradientClipper(rule: .norm(maxNorm: 1)))
        return (trainer, RandomRegression(features: 10, outputs: 1))
    }

    /// Trains for `epochs` epochs; `onEpoch(epoch, loss)` sees each epoch's loss (1-based epoch).
    public static func run(
        epochs: Int = 100, seed: UInt64 = 0, onEpoch: @escaping (Int, Double) -> Void = { _, _ in },
        progress: ((TrainingProgress) -> Void)? = nil
    ) throws -> (history: History, clip: ClipStatistics) {
        let (trainer, data) = try makeTrainer(seed: seed)
        var rng = RandomGenerator(seed: seed &+ 1)
        trainer.onStep { context in onEpoch(context.epoch + 1, context.loss) }
        let history = try trainer.train(on: data, epochs: epochs, batchSize: 64, using: &rng, progress: progress)
        return (history, trainer.clipper.statistics)
    }
}
