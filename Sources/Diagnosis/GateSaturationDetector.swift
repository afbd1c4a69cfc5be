import Foundation
import Monitor

/// `saturation` of an LSTM's or GRU's gates: a gate other than the ones that carry memory (the
/// LSTM's forget gate, the GRU's update gate) with at least `threshold` (default 50 %) of its
/// values in the flat tails, in at least half of the last third of the records.
///
/// Why those gates: an input, output or candidate gate stuck at 0 or 1 (or a candidate at ±1)
/// passes almost no gradient to its weights (σ′ < 1 % of its maximum), so the cell stops
/// learning what to write and read — the gated form of a saturated sigmoid layer (Glorot &
/// Bengio 2010). A forget or update gate at 1 is how the cell keeps its state for long (the
/// point of the gate, Gers et al. 2000); one stuck at 0 shows up as a gradient vanishing
/// through time instead.
public struct GateSaturationDetector: Detector {
    public let threshold: Double

    public init(threshold: Double = 0.5) { self.threshold = threshold }

    static let memoryGates: Set<String> = ["forget", "update"]

    public func detect(_ records: [StepRecord]) -> Finding? {
        var worst: (path: String, kind: String, gate: String, firstStep: Int, median: Double)?
        for (path, kind, series) in layerSeries(records) {
            let names = series.compactMap(\.layer.gates).first?.map(\.name) ?? []
            for gate in names where !Self.memoryGates.contains(gate) {
                let values = series.compactMap { entry in
                    entry.layer.gates?.first { $0.name == gate }.map { (entry.step, $0.saturatedFraction) }
                }
                let late = values.suffix(Swift.max(values.count / 3, 1)).map(\.1)
                guard !late.isEmpty, late.filter({ $0 >= threshold }).count * 2 >= late.count,
                      let first = values.first(where: { $0.1 >= threshold }) else { continue }
                let median = late.sorted()[late.count / 2]
                if worst == nil || median > worst!.median { worst = (path, kind, gate, first.0, median) }
            }
        }
        guard let w = worst else { return nil }
        return Finding(
            kind: .saturation, layer: w.path, firstStep: w.firstStep,
            evidence: ["gate_saturated_fraction": w.median],
            explanation: String(format: "%.0f%% of the %@ gate's values of %@ (%@) sit where its derivative is below 1%% of "
                + "its maximum (from step %ld on): the gate passes almost no gradient to its weights, so the cell stops "
                + "learning what to write and read. Usually inputs or weights too large (standardise the inputs, a smaller "
                + "initialisation) or a learning rate too high.", w.median * 100, w.gate, w.path, w.kind, w.firstStep))
    }
}
