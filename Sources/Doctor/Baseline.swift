import Datasets
import Experiments
import Foundation
import Losses
import Runs
import TensorCore

/// The trivial predictor's test metrics: what a model that ignores its input scores — the
/// training set's majority class (its class frequencies for the loss), or the training targets'
/// mean for regression. A run that does no better has learnt nothing.
public struct Baseline: Codable, Sendable, Equatable {
    /// Test loss of the trivial prediction, in the experiment's loss.
    public var loss: Double
    /// Test accuracy of always answering the majority class (classification only).
    public var accuracy: Double?
    /// What the trivial predictor is: `majority_class` or `training_mean`.
    public var predictor: String

    public init(loss: Double, accuracy: Double?, predictor: String) {
        self.loss = loss
        self.accuracy = accuracy
        self.predictor = predictor
    }

    /// The baseline of `data` under `loss`; nil without a test set or an in-memory training set.
    public init?<Scalar: TensorScalar>(data: ExperimentData<Scalar>, loss: Loss) {
        guard let test = data.test, let train = data.train as? InMemoryDataset<Scalar>, train.count > 0, test.count > 0 else { return nil }
        let y = train.targets.scalars.map(Double.init), t = test.targets.scalars.map(Double.init)
        switch loss {
        case .crossEntropy:
            guard let classes = data.classes, classes > 0 else { return nil }
            var counts = [Double](repeating: 1, count: classes)  // add-one, so no class has probability 0
            for label in y where Int(label) < classes { counts[Int(label)] += 1 }
            let total = counts.reduce(0, +), majority = counts.indices.max { counts[$0] < counts[$1] }!
            self.loss = -t.map { log(counts[Swift.min(Int($0), classes - 1)] / total) }.reduce(0, +) / Double(t.count)
            accuracy = Double(t.filter { Int($0) == majority }.count) / Double(t.count)
            predictor = "majority_class"
        case .bceWithLogits:
            let p = Swift.min(Swift.max(y.reduce(0, +) / Double(y.count), 1e-6), 1 - 1e-6)
            self.loss = -t.map { $0 * log(p) + (1 - $0) * log(1 - p) }.reduce(0, +) / Double(t.count)
            accuracy = Double(t.filter { ($0 > 0.5) == (p > 0.5) }.count) / Double(t.count)
            predictor = "majority_class"
        case .mse:
            let width = Swift.max(train.targets.count / train.count, 1)
            var mean = [Double](repeating: 0, count: width)
            for (i, v) in y.enumerated() { mean[i % width] += v / Double(train.count) }
            self.loss = t.enumerated().map { i, v in (v - mean[i % width]) * (v - mean[i % width]) }.reduce(0, +) / Double(t.count)
            accuracy = nil
            predictor = "training_mean"
        }
    }
}

/// When a remedy counts as a fix: the original problem, NaN/∞ and exploding gradients are gone,
/// *and* the user's metric is clearly better — against the original run and against the trivial
/// predictor. Classification: test accuracy up by at least `errorShare` (default 20 %) of the
/// original's errors and at least `minimumGain` (1 point), and at least `overBaseline` (5
/// points) above the majority class. Regression: test loss at most `lossShare` (0.8) of the
/// original's and of the trivial predictor's. A lower loss with a lower accuracy is never a fix.
public struct FixCriterion: Sendable {
    public var errorShare = 0.2
    public var minimumGain = 0.01
    public var overBaseline = 0.05
    public var lossShare = 0.8

    public init() {}

    /// Whether `candidate` is clearly better than `original` on the user's metric.
    public func metricImproved(_ candidate: FinalMetrics, over original: FinalMetrics, baseline: Baseline?) -> Bool {
        guard candidate.loss.isFinite else { return false }
        if let accuracy = candidate.accuracy {
            let before = original.loss.isFinite ? (original.accuracy ?? 0) : 0
            let needed = Swift.max(minimumGain, errorShare * (1 - before))
            return accuracy >= before + needed && accuracy >= (baseline?.accuracy ?? 0) + overBaseline
        }
        let beatsOriginal = !original.loss.isFinite || candidate.loss <= lossShare * original.loss
        return beatsOriginal && candidate.loss <= lossShare * (baseline?.loss ?? .infinity)
    }

    /// Whether `candidate` is better than `other` for choosing the best fix: higher accuracy
    /// (classification), else lower loss.
    public static func better(_ candidate: FinalMetrics, than other: FinalMetrics) -> Bool {
        if let a = candidate.accuracy, let b = other.accuracy, a != b { return a > b }
        return candidate.loss < other.loss
    }
}
