import Autodiff
import Datasets
import Layers
import Losses
import Optimizers
import TensorCore

/// What a step callback sees, after the optimizer step (gradients are still on the parameters).
public struct StepContext<Scalar: TensorScalar> {
    /// 0-based step over the whole run.
    public let step: Int
    /// 0-based epoch.
    public let epoch: Int
    /// The batch's data loss.
    public let loss: Double
    /// The model's output for the batch.
    public let output: Tensor<Scalar>
    /// The batch.
    public let batch: Batch<Scalar>
    /// Clipping's result (total norm before clipping, whether the step was applied).
    public let clip: ClipOutcome
    /// The learning rate used.
    public let learningRate: Double
}

/// A model's loss and accuracy on a data set.
public struct Evaluation: Sendable, Equatable {
    /// Mean data loss per sample.
    public let loss: Double
    /// Fraction of correct predictions, or nil for regression.
    public let accuracy: Double?
    /// True against predicted class for each sample (classification), or nil.
    public let confusion: ConfusionMatrix?

    public init(loss: Double, accuracy: Double?, confusion: ConfusionMatrix? = nil) {
        self.loss = loss
        self.accuracy = accuracy
        self.confusion = confusion
    }
}

/// Progress of a run, for a progress bar.
public struct TrainingProgress: Sendable {
    public let step: Int
    public let totalSteps: Int
    public let epoch: Int
    public let epochs: Int
    public let loss: Double
}

/// Trains a model in shuffled mini-batches: zero grads, forward, loss (+ L2), backward, clip,
/// optimizer step, callbacks; the schedule steps once per epoch. Creating one applies
/// `AllocatorTuning.keepFreedMemory()` to the process.
public final class Trainer<Scalar: TensorScalar> {
    public let model: Module<Scalar>
    public let loss: Loss
    public let optimizer: Optimizer<Scalar>
    public let clipper: GradientClipper
    /// λ of the `λ·Σ‖W‖²` term (default 0).
    public let l2: Double
    public var schedule: (any LearningRateSchedule)?
    private var stepCallbacks: [(token: CallbackToken, call: (StepContext<Scalar>) -> Void)] = []
    private var stepStartCallbacks: [(token: CallbackToken, call: (_ step: Int) -> Void)] = []
    private var epochCallbacks: [(token: CallbackToken, call: (_ epoch: Int, _ history: History) -> Void)] = []
    private var nextToken = 0
    private let named: [(name: String, variable: Variable<Scalar>)]
    /// True when the optimizer updates exactly the model's parameters, each once: then its sum
    /// of the gradients' squares is the norm the clipper would take.
    private let optimizerUpdatesTheModel: Bool

    /// Calls `callback` after every step, in order of registration (the monitor hangs here).
    @discardableResult
    public func onStep(_ callback: @escaping (StepContext<Scalar>) -> Void) -> CallbackToken {
        nextToken += 1
        stepCallbacks.append((CallbackToken(id: nextToken), callback))
        return CallbackToken(id: nextToken)
    }

    /// Calls `callback` with the 0-based step number before every step's forward pass, in order
    /// of registration: the monitor switches its in-pass measurements on for the steps it records.
    @discardableResult
    public func onStepStart(_ callback: @escaping (_ step: Int) -> Void) -> CallbackToken {
        nextToken += 1
        stepStartCallbacks.append((CallbackToken(id: nextToken), callback))
        return CallbackToken(id: nextToken)
    }

    /// Calls `callback` at the end of every epoch with its 0-based index and the history so far
    /// (whose last epoch loss and accuracy are that epoch's), before the schedule steps.
    @discardableResult
    public func onEpochEnd(_ callback: @escaping (_ epoch: Int, _ history: History) -> Void) -> CallbackToken {
        nextToken += 1
        epochCallbacks.append((CallbackToken(id: nextToken), callback))
        return CallbackToken(id: nextToken)
    }

    /// Takes off the callback `token` names (a step, step-start or epoch callback); nothing for an
    /// unknown token.
    public func removeCallback(_ token: CallbackToken) {
        stepCallbacks.removeAll { $0.token == token }
        stepStartCallbacks.removeAll { $0.token == token }
        epochCallbacks.removeAll { $0.token == token }
    }

    /// The number of step, step-start and epoch callbacks attached.
    public var callbackCount: Int { stepCallbacks.count + stepStartCallbacks.count + epochCallbacks.count }

    /// - Parameter clipper: default measures the norm and propagates NaN, as PyTorch without clipping.
    public init(
        model: Module<Scalar>, loss: Loss, optimizer: Optimizer<Scalar>, clipper: GradientClipper? = nil,
        l2: Double = 0, schedule: (any LearningRateSchedule)? = nil
    ) throws(HyperparameterError) {
        try HyperparameterError.check(l2 >= 0 && l2.isFinite, "training", "l2", "a finite number ≥ 0", l2)
        AllocatorTuning.keepFreedMemory()
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        if let clipper { self.clipper = clipper } else { self.clipper = try GradientClipper(rule: nil, nonFinite: .propagate) }
        self.l2 = l2
        self.schedule = schedule
        self.named = model.namedParameters()
        let modelIDs = named.map { ObjectIdentifier($0.variable) }, optimizerIDs = optimizer.parameters.map(ObjectIdentifier.init)
        let (model, updated) = (Set(modelIDs), Set(optimizerIDs))
        optimizerUpdatesTheModel = model == updated && model.count == modelIDs.count && updated.count == optimizerIDs.count
    }

    /// When set, each batch is shared with other processes (`DataParallelism`): this trainer
    /// takes its rows, and gradients, loss and accuracy are combined over the processes before
    /// clipping. Default nil: one process.
    public var parallelism: (any DataParallelism)?

    /// Asked after every step; returning true ends the run there (Ctrl-C). Default: never.
    public var stopRequested: (() -> Bool)?
    /// The position after the last step taken, updated as training goes (a checkpoint reads it).
    public private(set) var position = TrainingPosition(shuffling: RandomGenerator(seed: 0))
    /// The weights of the epoch with the lowest validation loss in this call of `train` (nil
    /// without a validation set, or when a resumed run has not beaten the best recorded before).
    public private(set) var bestWeights: BestWeights<Scalar>?

    /// Trains for `epochs` epochs of `data` in batches of `batchSize`, shuffled by `rng`,
    /// stopping early after `maxSteps` optimizer steps when given (the last epoch may be partial)
    /// or when `stopRequested` says so (`History.interrupted`).
    /// - Parameter validation: scored after the epochs its plan names (`History.validation`),
    ///   keeping the best epoch's weights (`bestWeights`) and stopping early when its patience
    ///   runs out (`History.stoppedEarlyAfterEpoch`). Scoring draws no random numbers, so it
    ///   changes no training step.
    /// - Parameter start: continue from this position (a checkpoint's) instead of the beginning;
    ///   the model and optimizer must hold that position's state. `rng` is then ignored and the
    ///   schedule is replayed over the recorded epochs.
    /// - Throws: `TrainingError` (with the history so far) when the clipper's `error` policy
    ///   meets a non-finite gradient.
    public func train(
        on data: some Dataset<Scalar>, epochs: Int, batchSize: Int, using rng: inout RandomGenerator,
        maxSteps: Int? = nil, validation: Validation<Scalar>? = nil, from start: TrainingPosition? = nil,
        progress: ((TrainingProgress) -> Void)? = nil
    ) throws(TrainingError) -> History {
        precondition(epochs >= 0 && batchSize > 0, "Trainer: epochs must be ≥ 0 and batch size > 0")
        precondition(maxSteps == nil || maxSteps! >= 0, "Trainer: maxSteps must be ≥ 0")
        let totalSteps = Swift.min(epochs * data.batchCount(batchSize: batchSize), maxSteps ?? .max)
        if let start {
            position = start
            position.history.interrupted = false
            rng = start.epochShuffle
            if schedule != nil { for loss in start.history.epochLosses { _ = schedule!.step(metric: loss) } }
            if start.batchInEpoch > 0, let rate = start.history.learningRates.last { optimizer.learningRate = rate }
        } else {
            position = TrainingPosition(shuffling: rng)
        }
        bestWeights = nil
        model.train()
        for (_, module) in model.namedModules() { (module as? BatchNorm1d<Scalar>)?.processGroup = parallelism?.processGroup }
        // When the clipper reads every gradient before the step, backward sums their squares as it
        // delivers them, in cache; not when the processes' gradients replace them before clipping.
        for (_, v) in named { v.sumsGradientSquares = clipper.needsNormBeforeStep && parallelism == nil }
        while position.epoch < epochs && position.step < totalSteps && position.history.stoppedEarlyAfterEpoch == nil {
            let epoch = position.epoch
            if position.batchInEpoch == 0 {
                if let schedule { optimizer.learningRate = schedule.learningRate }
                position.history.learningRates.append(optimizer.learningRate)
                position.epochShuffle = rng
            }
            rng = position.epochShuffle
            let batches = data.epoch(batchSize: batchSize, using: &rng)
            for globalBatch in batches.dropFirst(position.batchInEpoch) where position.step < totalSteps {
                let step = position.step
                let batch = parallelism.map { globalBatch.rows($0.rows(of: globalBatch.count)) } ?? globalBatch
                parallelism?.processGroup?.batchShare = Double(batch.count) / Double(Swift.max(globalBatch.count, 1))
                for callback in stepStartCallbacks { callback.call(step) }
                optimizer.zeroGrad()
                let output = model(Variable(batch.inputs))
                let dataLoss = loss(output, batch.targets)
                let objective = l2 > 0 ? dataLoss + l2Penalty(named, lambda: l2) : dataLoss
                objective.backward()
                var lossValue = Double(dataLoss.value.scalar)
                var hits = Trainer.correctPredictions(loss, output.value, batch.targets)
                if let parallelism {
                    (lossValue, hits) = parallelism.combine(named.map(\.variable), loss: lossValue, correct: hits,
                                                            localCount: batch.count, globalCount: globalBatch.count)
                }
                let outcome: ClipOutcome
                if !clipper.needsNormBeforeStep && optimizerUpdatesTheModel {
                    // Only the norm's record is wanted: the optimizer sums it in its update loops
                    // instead of a pass of its own over every gradient.
                    optimizer.sumsGradientSquares = true
                    optimizer.step()
                    optimizer.sumsGradientSquares = false
                    outcome = clipper.record(totalNorm: (optimizer.gradientSquares ?? .nan).squareRoot())
                } else {
                    do { outcome = try clipper.clip(named) } catch {
                        throw TrainingError(step: step, reason: error.description, history: position.history)
                    }
                    if outcome.shouldStep { optimizer.step() } else { position.history.skippedSteps += 1 }
                }
                position.history.stepLosses.append(lossValue)
                position.epochLossSum += lossValue
                if let hits {
                    position.epochCorrect += hits
                    position.epochSeen += globalBatch.count
                }
                position.step += 1
                position.batchInEpoch += 1
                let context = StepContext(step: step, epoch: epoch, loss: lossValue, output: output.value, batch: batch,
                                          clip: outcome, learningRate: optimizer.learningRate)
                for callback in stepCallbacks { callback.call(context) }
                progress?(TrainingProgress(step: position.step, totalSteps: totalSteps, epoch: epoch + 1, epochs: epochs, loss: lossValue))
                if stopRequested?() == true, position.step < totalSteps {
                    position.history.interrupted = true
                    return position.history
                }
            }
            let epochLoss = position.epochLossSum / Double(Swift.max(position.batchInEpoch, 1))
            position.history.epochLosses.append(epochLoss)
            if position.epochSeen > 0 { position.history.epochAccuracies.append(Double(position.epochCorrect) / Double(position.epochSeen)) }
            position.epoch += 1
            position.batchInEpoch = 0
            (position.epochLossSum, position.epochCorrect, position.epochSeen) = (0, 0, 0)
            position.epochShuffle = rng
            let lastEpoch = position.epoch == epochs || position.step >= totalSteps
            if let validation, validation.plan.isDue(epoch: epoch, epochs: lastEpoch ? epoch + 1 : epochs) {
                validate(validation, epoch: epoch)
            }
            for callback in epochCallbacks { callback.call(epoch, position.history) }
            if schedule != nil { _ = schedule!.step(metric: epochLoss) }
        }
        return position.history
    }

    /// Scores `validation` after the 0-based `epoch`, keeps the weights when they are the best
    /// so far, and marks the history stopped when the plan's patience has run out.
    private func validate(_ validation: Validation<Scalar>, epoch: Int) {
        let previousBest = position.history.bestValidation
        let evaluation = evaluate(on: validation.data)
        let score = ValidationScore(epoch: epoch + 1, loss: evaluation.loss, accuracy: evaluation.accuracy)
        position.history.validation.append(score)
        if score.loss.isFinite, score.loss < (previousBest?.loss ?? .infinity) {
            bestWeights = BestWeights(score: score, weights: model.stateDict())
        }
        if let patience = validation.plan.patience,
           position.history.validationsWithoutImprovement(minDelta: validation.plan.minDelta) >= patience {
            position.history.stoppedEarlyAfterEpoch = epoch + 1
        }
    }

    /// The model's mean loss (data loss, no L2 term) and, for classification, accuracy over
    /// `data`, in evaluation mode without recording a graph; the model is left in training mode.
    public func evaluate(on data: InMemoryDataset<Scalar>, batchSize: Int = 256) -> Evaluation {
        precondition(batchSize > 0, "evaluate: batch size must be positive")
        model.eval()
        defer { model.train() }
        var lossSum = 0.0, seen = 0, confusion: ConfusionMatrix?
        GradMode.withoutGrad {
            for batch in data.batches(batchSize: batchSize) {
                let output = model(Variable(batch.inputs))
                lossSum += Double(loss(output, batch.targets).value.scalar) * Double(batch.count)
                if let matrix = Trainer.confusion(loss, output.value, batch.targets) {
                    if confusion == nil { confusion = matrix } else { confusion!.merge(matrix) }
                }
                seen += batch.count
            }
        }
        return Evaluation(loss: lossSum / Double(Swift.max(seen, 1)), accuracy: confusion?.accuracy, confusion: confusion)
    }

    /// The predicted class of each row of `output`: the argmax of the logits (cross-entropy) or
    /// the logit's sign (BCE, one column); nil for regression.
    public static func predictedClasses(_ loss: Loss, _ output: Tensor<Scalar>) -> [Int]? {
        switch loss {
        case .mse: return nil
        case .bceWithLogits: return output.scalars.map { $0 > 0 ? 1 : 0 }
        case .crossEntropy:
            let classes = output.shape[1]
            return output.withUnsafeBufferPointer { p in
                (0..<output.shape[0]).map { row in
                    var best = 0
                    for j in 1..<classes where p[row * classes + j] > p[row * classes + best] { best = j }
                    return best
                }
            }
        }
    }

    /// The batch's confusion matrix (classification), or nil for regression.
    static func confusion(_ loss: Loss, _ output: Tensor<Scalar>, _ targets: Tensor<Scalar>) -> ConfusionMatrix? {
        guard let predicted = predictedClasses(loss, output) else { return nil }
        var matrix = ConfusionMatrix(classes: loss == .bceWithLogits ? 2 : output.shape[1])
        for (label, guess) in zip(targets.scalars, predicted) {
            matrix.add(trueClass: trueClass(loss, label), predicted: guess)
        }
        return matrix
    }

    /// A target's class: the index itself (cross-entropy), or 0/1 at the 0.5 threshold (BCE).
    static func trueClass(_ loss: Loss, _ label: Scalar) -> Int { loss == .bceWithLogits ? (label > 0.5 ? 1 : 0) : Int(label) }

    /// Correct predictions in a batch: argmax against class indices (cross-entropy), or the
    /// logit's sign against 0/1 targets (BCE); nil for regression.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func correctPredictions(_ loss: Loss, _ output: Tensor<Scalar>, _ targets: Tensor<Scalar>) -> Int? {
        guard let predicted = predictedClasses(loss, output) else { return nil }
        return zip(targets.scalars, predicted).reduce(0) { hits, pair in
            hits + (trueClass(loss, pair.0) == pair.1 ? 1 : 0)
        }
    }
}
