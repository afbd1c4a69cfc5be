import RealModule

/// A learning-rate schedule stepped once per epoch, as PyTorch's `scheduler.step()`.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate for the current epoch.
    var learningRate: Double { get }
    /// Ends an epoch; `metric` (the epoch's loss) is read by reduce-on-plateau only.
    /// Returns the learning rate for the next epoch.
    mutating func step(metric: Double?) -> Double
}

/// A schedule whose rate is a closed-form function of the epoch count (PyTorch's `last_epoch`).
public protocol EpochSchedule: LearningRateSchedule {
    /// Epochs completed; set it to resume a run.
    var epoch: Int { get set }
    /// The rate after `epoch` completed epochs.
    func learningRate(atEpoch epoch: Int) -> Double
}

extension EpochSchedule {
    public var learningRate: Double { learningRate(atEpoch: epoch) }

    public mutating func step(metric: Double?) -> Double {
        epoch += 1
        return learningRate
    }
}

/// `lr = base · γ^⌊epoch / stepSize⌋` (PyTorch `StepLR`).
public struct StepDecay: EpochSchedule {
    public let baseLearningRate: Double
    public let stepSize: Int
    public let gamma: Double
    public var epoch = 0

    public init(baseLearningRate: Double, stepSize: Int, gamma: Double = 0.1) throws(HyperparameterError) {
        try HyperparameterError.check(stepSize > 0, "step schedule", "step_size", "a positive integer", Double(stepSize))
        try HyperparameterError.check(gamma > 0, "step schedule", "gamma", "> 0", gamma)
        self.baseLearningRate = baseLearningRate
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public func learningRate(atEpoch epoch: Int) -> Double { baseLearningRate * Double.pow(gamma, Double(epoch / stepSize)) }
}

/// `lr = base · γ^epoch` (PyTorch `ExponentialLR`).
public struct ExponentialDecay: EpochSchedule {
    public let baseLearningRate: Double
    public let gamma: Double
    public var epoch = 0

    public init(baseLearningRate: Double, gamma: Double) throws(HyperparameterError) {
        try HyperparameterError.check(gamma > 0, "exponential schedule", "gamma", "> 0", gamma)
        self.baseLearningRate = baseLearningRate
        self.gamma = gamma
    }

    public func learningRate(atEpoch epoch: Int) -> Double { baseLearningRate * Double.pow(gamma, Double(epoch)) }
}

/// `lr = η_min + (base − η_min)(1 + cos(π·epoch / T_max)) / 2` (PyTorch `CosineAnnealingLR`,
/// its closed form; Loshchilov & Hutter 2017).
public struct CosineAnnealing: EpochSchedule {
    public let baseLearningRate: Double
    public let tMax: Int
    public let minimumLearningRate: Double
    public var epoch = 0

    public init(baseLearningRate: Double, tMax: Int, minimumLearningRate: Double = 0) throws(HyperparameterError) {
        try HyperparameterError.check(tMax > 0, "cosine schedule", "t_max", "a positive integer", Double(tMax))
        try HyperparameterError.check(minimumLearningRate >= 0, "cosine schedule", "eta_min", "≥ 0", minimumLearningRate)
        self.baseLearningRate = baseLearningRate
        self.tMax = tMax
        self.minimumLearningRate = minimumLearningRate
    }

    public func learningRate(atEpoch epoch: Int) -> Double {
        minimumLearningRate
            + (baseLearningRate - minimumLearningRate) * (1 + Double.cos(.pi * Double(epoch) / Double(tMax))) / 2
    }
}

/// Multiplies the learning rate by `factor` when the metric has not improved for more than
/// `patience` epochs (PyTorch `ReduceLROnPlateau`, mode `min`, threshold mode `rel`):
/// improvement means `metric < best · (1 − threshold)`; after a reduction, `cooldown` epochs
/// pass before bad epochs count again; the rate never drops below `minimumLearningRate`, and a
/// change smaller than 1e-8 is not made.
public struct ReduceOnPlateau: LearningRateSchedule {
    public let factor: Double
    public let patience: Int
    public let threshold: Double
    public let cooldown: Int
    public let minimumLearningRate: Double
    public private(set) var learningRate: Double
    public private(set) var best = Double.infinity
    public private(set) var badEpochs = 0
    public private(set) var cooldownCounter = 0

    /// PyTorch's defaults: factor 0.1, patience 10, threshold 1e-4, cooldown 0, min_lr 0.
    public init(
        baseLearningRate: Double, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
        cooldown: Int = 0, minimumLearningRate: Double = 0
    ) throws(HyperparameterError) {
        try HyperparameterError.check(factor > 0 && factor < 1, "plateau schedule", "factor", "in (0, 1)", factor)
        try HyperparameterError.check(patience >= 0, "plateau schedule", "patience", "≥ 0", Double(patience))
        try HyperparameterError.check(threshold >= 0, "plateau schedule", "threshold", "≥ 0", threshold)
        try HyperparameterError.check(cooldown >= 0, "plateau schedule", "cooldown", "≥ 0", Double(cooldown))
        try HyperparameterError.check(minimumLearningRate >= 0, "plateau schedule", "min_lr", "≥ 0", minimumLearningRate)
        self.learningRate = baseLearningRate
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.cooldown = cooldown
        self.minimumLearningRate = minimumLearningRate
    }

    public mutating func step(metric: Double?) -> Double {
        guard let metric else { return learningRate }
        if metric < best * (1 - threshold) {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            let reduced = Swift.max(learningRate * factor, minimumLearningRate)
            if learningRate - reduced > 1e-8 { learningRate = reduced }
            cooldownCounter = cooldown
            badEpochs = 0
        }
        return learningRate
    }
}
