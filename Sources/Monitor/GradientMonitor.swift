import Autodiff
import Foundation
import Layers
import Optimizers
import TensorCore
import Training

/// Watches gradient flow while a `Trainer` runs: after every `every`-th step it records, per
/// layer, the back-propagated gradient ‖∂L/∂a‖, activation statistics (mean, std, saturated
/// and dead fractions), weight, gradient and update norms, NaN/∞ counts and, for recurrent
/// layers, ‖∂L/∂h_t‖ over time. No model code changes: it hooks the layers' outputs
/// (`LayerTap`) and the trainer's step callback.
public final class GradientMonitor<Scalar: TensorScalar> {
    /// Record every `every`-th step (default 1: every step).
    public let every: Int
    /// Steps (0-based) at which the records also carry per-layer histograms of weights,
    /// gradients and outputs; such a step is recorded even when it is not an `every`-th one.
    /// Default: none.
    public var histogramSteps: Set<Int> = []
    /// Bins per histogram (default 30).
    public var histogramBins = 30
    /// Records carry `identicalUnitFraction` on every `identicalUnitsEvery`-th record (the first
    /// included, default 10) and at histogram steps, and nil on the others: the check reads one
    /// cache line per unit of every Linear layer, and a layer whose units are identical stays so.
    public var identicalUnitsEvery = 10
    /// The records so far, in step order.
    public private(set) var records: [StepRecord] = []

    private let model: Module<Scalar>
    /// The hooks on the layers' outputs; nil while detached.
    private var tap: LayerTap<Scalar>?
    /// The observed layers, with their `summary` (a formatted string, so taken once).
    private let layers: [(path: String, kind: String, module: Module<Scalar>, weights: [Variable<Scalar>])]
    /// Each observed layer's index in `layers`, by path.
    private let layerIndex: [String: Int]
    /// The weights before the next recorded step, kept only while no trainer is attached.
    private var snapshot: [ObjectIdentifier: Tensor<Scalar>] = [:]
    /// Per observed layer, the optimizer's indices of its weights while attached; nil for a layer
    /// with a weight the optimizer does not update.
    private var measureIndices: [[Int]?] = []

    /// Observes every leaf module of `model` (each Linear, activation, norm and recurrent layer).
    /// Its hooks are on from here: `attach(to:)` it to a trainer, or call `observe(_:)` after
    /// every step, or `detach()` it. Until one of these collects them, the hooks keep each
    /// layer's latest output (one forward pass's worth, however many passes run in between).
    public init(model: Module<Scalar>, every: Int = 1) {
        precondition(every >= 1, "GradientMonitor: every must be ≥ 1, got \(every)")
        self.every = every
        self.model = model
        tap = Self.makeTap(model)
        layers = model.namedModules().filter { $0.module.children.isEmpty }.map { path, module in
            (path, module.summary, module, module.weightParameters)
        }
        layerIndex = Dictionary(layers.enumerated().map { ($1.path, $0) }) { first, _ in first }
        takeSnapshot()
    }

    /// The trainer the monitor is attached to, and its callbacks there (step start, step end).
    private var attachment: (trainer: Trainer<Scalar>, tokens: [CallbackToken])?

    /// Adds the monitor to `trainer`'s step callbacks (`detach` takes it off again). Attached,
    /// it learns each step's number before the step runs, and only for the steps it records does
    /// it take statistics in the passes and have the optimizer measure ‖W‖, ‖∇W‖ and ‖ΔW‖ as it
    /// updates (`Optimizer.measuresSteps`), keeping no copy of the weights and no ∂L/∂a tensor.
    public func attach(to trainer: Trainer<Scalar>) {
        precondition(attachment == nil, "GradientMonitor: already attached to a trainer; detach first")
        if tap == nil { tap = Self.makeTap(model) }
        tap?.keepsGradients = false
        let optimizer = trainer.optimizer
        let parameterIndex = Dictionary(optimizer.parameters.enumerated().map { (ObjectIdentifier($1), $0) }) { first, _ in first }
        measureIndices = layers.map { layer in
            let found = layer.weights.compactMap { parameterIndex[ObjectIdentifier($0)] }
            return found.count == layer.weights.count ? found : nil
        }
        snapshot = [:]
        let start = trainer.onStepStart { [unowned self] step in
            tap?.summarizes = isDue(step)
            optimizer.measuresSteps = isDue(step)
        }
        let end = trainer.onStep { [unowned self] context in
            observe(context)
            tap?.summarizes = false  // forward passes before the next step (evaluation) run the plain kernels
        }
        attachment = (trainer, [start, end])
    }

    /// Records `context`'s step if it is due; call it from a step callback after `backward`.
    /// Not attached, it expects the next call to be for the next step, and prepares for it.
    @_specialize(where Scalar == Float)
    public func observe(_ context: StepContext<Scalar>) {
        let outputs = tap?.collect() ?? []
        defer {
            if attachment == nil {
                tap?.summarizes = isDue(context.step + 1)
                if isDue(context.step + 1) { takeSnapshot() }
            }
        }
        guard isDue(context.step) else { return }
        let optimizer = attachment?.trainer.optimizer
        let stepMeasures = optimizer.flatMap { context.clip.shouldStep ? $0.measures : nil }
        /// The layer's weights' measures added up, when the optimizer measured every one of them.
        func measure(_ layer: Int) -> Optimizer<Scalar>.StepMeasure? {
            guard let stepMeasures, let indices = measureIndices[layer] else { return nil }
            var total = Optimizer<Scalar>.StepMeasure(weightSquares: 0, gradientSquares: 0, updateSquares: 0)
            for index in indices {
                guard let m = stepMeasures[index] else { return nil }
                total.weightSquares += m.weightSquares
                total.gradientSquares += m.gradientSquares
                total.updateSquares += m.updateSquares
            }
            return total
        }
        let bins = histogramSteps.contains(context.step) ? histogramBins : nil
        let checksUnits = bins != nil || records.count % Swift.max(identicalUnitsEvery, 1) == 0
        // Each observed layer's position in `outputs` (-1: not run), not a copy of its record.
        var byLayer = [Int](repeating: -1, count: layers.count)
        for position in outputs.indices {
            // The tap reports the layers in model order, as `layers` holds them, so the path at the
            // same position matches (a string comparison, cheaper than hashing it) unless a layer
            // ran more than once; the last call of a layer wins.
            let path = outputs[position].path
            let i = position < layers.count && layers[position].path == path ? position : layerIndex[path]
            if let i { byLayer[i] = position }
        }
        // A skipped step (non-finite gradient) left the weights as they were.
        let weightsUnchanged = optimizer != nil && !context.clip.shouldStep
        var layerRecords: [LayerRecord] = []
        layerRecords.reserveCapacity(layers.count)
        for index in layers.indices where byLayer[index] >= 0 {
            let weights = layers[index].weights
            let previous = weightsUnchanged
                ? Dictionary(weights.map { (ObjectIdentifier($0), $0.value) }) { first, _ in first } : snapshot
            layerRecords.append(LayerStatistics.record(
                path: layers[index].path, kind: layers[index].kind, module: layers[index].module,
                output: outputs[byLayer[index]], weights: weights, previous: previous,
                measure: weights.isEmpty ? nil : measure(index), histogramBins: bins, checksUnits: checksUnits))
        }
        records.append(StepRecord(
            step: context.step, epoch: context.epoch, loss: context.loss, learningRate: context.learningRate,
            totalGradNorm: context.clip.totalNorm, applied: context.clip.shouldStep, clipScale: context.clip.scale, layers: layerRecords))
    }

    /// The records as JSON Lines, one step per line; NaN and ±∞ are written as the strings
    /// `"NaN"`, `"Infinity"`, `"-Infinity"` (JSON has no such numbers).
    public func jsonLines() throws -> String {
        let encoder = JSONEncoder.gradGuard()
        return try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
    }

    /// Starts from `records` of an earlier part of the same run (a resumed checkpoint); the
    /// model must hold the weights that run had after its last record.
    public func restore(records: [StepRecord]) {
        self.records = records
        takeSnapshot()
    }

    /// Forgets the hooks and leaves the trainer it was attached to; the records stay.
    public func detach() {
        tap?.detach()
        tap = nil
        if let (trainer, tokens) = attachment {
            for token in tokens { trainer.removeCallback(token) }
            trainer.optimizer.measuresSteps = false
        }
        attachment = nil
    }

    /// The hooks on `model`'s leaves, keeping each layer's latest output only: a record uses
    /// the last call of a layer, and forward passes between steps (evaluation) then hold no more.
    private static func makeTap(_ model: Module<Scalar>) -> LayerTap<Scalar> {
        let tap = LayerTap(model)
        tap.keepsLastCallOnly = true
        return tap
    }

    private func isDue(_ step: Int) -> Bool { step % every == 0 || histogramSteps.contains(step) }

    private func takeSnapshot() {
        for layer in layers { for w in layer.weights { snapshot[ObjectIdentifier(w)] = w.value } }
    }
}
