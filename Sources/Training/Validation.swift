import Datasets
import TensorCore

/// How a held-out validation set is used while training: Keras' `validation_split` with its
/// `EarlyStopping(monitor="val_loss", patience=…, min_delta=…)` callback, and Lightning's
/// "best" checkpoint (the weights of the epoch with the lowest validation loss).
public struct ValidationPlan: Sendable, Equatable {
    /// Score the validation set after every `every`-th epoch (default 1) and after the last one.
    public var every: Int
    /// Stop training after this many validations in a row without an improvement; nil (the
    /// default) never stops early.
    public var patience: Int?
    /// An improvement must lower the validation loss by more than this (default 0, loss units).
    public var minDelta: Double

    public init(every: Int = 1, patience: Int? = nil, minDelta: Double = 0) {
        precondition(every > 0, "ValidationPlan: every must be positive, got \(every)")
        precondition(patience.map { $0 > 0 } ?? true, "ValidationPlan: patience must be positive")
        precondition(minDelta >= 0 && minDelta.isFinite, "ValidationPlan: minDelta must be a finite number ≥ 0")
        self.every = every
        self.patience = patience
        self.minDelta = minDelta
    }

    /// Whether the epoch with 0-based index `epoch` of `epochs` is scored.
    public func isDue(epoch: Int, epochs: Int) -> Bool { (epoch + 1) % every == 0 || epoch + 1 == epochs }
}

/// A validation set and the plan for scoring it.
public struct Validation<Scalar: TensorScalar>: Sendable {
    public let data: InMemoryDataset<Scalar>
    public let plan: ValidationPlan

    public init(data: InMemoryDataset<Scalar>, plan: ValidationPlan = ValidationPlan()) {
        self.data = data
        self.plan = plan
    }
}

/// One score of the validation set.
public struct ValidationScore: Sendable, Equatable, Codable {
    /// The 1-based epoch after which it was taken.
    public let epoch: Int
    /// Mean data loss per sample.
    public let loss: Double
    /// Fraction correct (classification), or nil.
    public let accuracy: Double?

    public init(epoch: Int, loss: Double, accuracy: Double?) {
        self.epoch = epoch
        self.loss = loss
        self.accuracy = accuracy
    }
}

/// The weights of the epoch with the lowest validation loss so far.
public struct BestWeights<Scalar: TensorScalar>: Sendable {
    public let score: ValidationScore
    /// The model's `state_dict` after that epoch.
    public let weights: [String: Tensor<Scalar>]
}

extension History {
    /// The validation score with the lowest finite loss (the earliest among equals), or nil.
    public var bestValidation: ValidationScore? {
        validation.filter { $0.loss.isFinite }.min { $0.loss < $1.loss }
    }

    /// Validations since the best one that did not beat it by more than `minDelta` (what
    /// early stopping counts against its patience).
    func validationsWithoutImprovement(minDelta: Double) -> Int {
        var best = Double.infinity, since = 0
        for score in validation {
            if score.loss < best - minDelta || (best == .infinity && score.loss.isFinite) {
                best = score.loss
                since = 0
            } else {
                since += 1
            }
        }
        return since
    }
}
