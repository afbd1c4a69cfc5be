import Experiments
import Foundation
import TensorCore
import Training

/// Smith's learning-rate range test ("Cyclical Learning Rates for Training Neural Networks",
/// 2017): train a fresh copy of an experiment for a few steps while the learning rate grows
/// geometrically from `minimum` to `maximum`; the loss falls fastest, then turns up where the
/// rate becomes too large. The suggested rate is a tenth of the rate at the lowest smoothed loss
/// (the usual "minimum ÷ 10" reading of the curve).
public struct LearningRateRangeTest: Sendable {
    /// Steps of the test (default 60).
    public var steps: Int
    /// The range of rates tried (default 1e-5 … 10).
    public var minimum: Double
    public var maximum: Double

    public init(steps: Int = 60, minimum: Double = 1e-5, maximum: Double = 10) {
        precondition(steps >= 2 && minimum > 0 && maximum > minimum, "LearningRateRangeTest: need steps ≥ 2 and 0 < minimum < maximum")
        self.steps = steps
        self.minimum = minimum
        self.maximum = maximum
    }

    /// The rates tried and the losses seen, and the suggested rate (nil when no loss was finite).
    public struct Result: Sendable, Equatable {
        public var rates: [Double]
        public var losses: [Double]
        public var suggestion: Double?
    }

    /// Runs the test on `experiment` (its data reused from `data` when given).
    public func run(_ experiment: Experiment, data: ExperimentData<Float>?) throws(ExperimentError) -> Result {
        var setup = try ExperimentSetup<Float>(experiment, data: data)
        let trainer = setup.trainer
        trainer.schedule = nil
        let rate = { (i: Int) in minimum * pow(maximum / minimum, Double(i) / Double(steps - 1)) }
        var rates: [Double] = [], losses: [Double] = []
        trainer.optimizer.learningRate = rate(0)
        trainer.onStep { context in
            rates.append(context.learningRate)
            losses.append(context.loss)
            trainer.optimizer.learningRate = rate(Swift.min(context.step + 1, steps - 1))
        }
        let batches = setup.data.train.batchCount(batchSize: experiment.batchSize)
        let epochs = (steps + batches - 1) / batches
        _ = try? trainer.train(on: setup.data.train, epochs: epochs, batchSize: experiment.batchSize, using: &setup.shuffling, maxSteps: steps)
        return Result(rates: rates, losses: losses, suggestion: Self.suggest(rates: rates, losses: losses))
    }

    /// A tenth of the rate at the lowest exponentially smoothed loss (β = 0.8, bias-corrected),
    /// looking only before the loss diverges (4× its lowest, or not finite).
    static func suggest(rates: [Double], losses: [Double]) -> Double? {
        var average = 0.0, best: (loss: Double, rate: Double)?
        for (i, (rate, loss)) in zip(rates, losses).enumerated() {
            guard loss.isFinite else { break }
            average = 0.8 * average + 0.2 * loss
            let smoothed = average / (1 - pow(0.8, Double(i + 1)))
            if let b = best, smoothed > 4 * b.loss { break }
            if best == nil || smoothed < best!.loss { best = (smoothed, rate) }
        }
        return best.map { $0.rate / 10 }
    }
}
