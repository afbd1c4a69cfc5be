import Datasets
import Layers
import Optimizers
import TensorCore
import Training

/// A small problem and a trainer for it, shared by the training tests.
protocol TrainingFixtures {}

extension TrainingFixtures {
    /// Two Gaussian blobs: class 0 around (−2, −2), class 1 around (2, 2).
    func blobs(_ n: Int = 200, seed: UInt64 = 3) -> InMemoryDataset<Float> {
        var rng = RandomGenerator(seed: seed)
        var x: [Float] = [], y: [Float] = []
        for i in 0..<n {
            let c = Float(i % 2)
            x += [Float(rng.normal()) + (c * 4 - 2), Float(rng.normal()) + (c * 4 - 2)]
            y.append(c)
        }
        return InMemoryDataset(inputs: Tensor(shape: [n, 2], scalars: x), targets: Tensor(y))
    }

    func makeTrainer(lr: Double = 0.1, clipper: GradientClipper? = nil, l2: Double = 0,
                     schedule: (any LearningRateSchedule)? = nil) throws -> Trainer<Float> {
        var rng = RandomGenerator(seed: 4)
        let model = Sequential<Float>(Linear(2, 8, using: &rng), ActivationLayer(.tanh), Linear(8, 2, using: &rng))
        return try Trainer(model: model, loss: .crossEntropy,
                           optimizer: try SGD(parameters: model.parameters, learningRate: lr),
                           clipper: clipper, l2: l2, schedule: schedule)
    }
}
