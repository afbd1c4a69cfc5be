import Monitor

/// `non_finite`: the first step at which NaN or ±∞ appeared in the loss, the gradient norm, or a
/// layer's output, weights or gradients — and the first layer (in model order) that had one.
public struct NonFiniteDetector: Detector {
    public init() {}

    public func detect(_ records: [StepRecord]) -> Finding? {
        guard let record = records.first(where: { !$0.loss.isFinite || !$0.totalGradNorm.isFinite || $0.layers.contains { $0.nonFiniteCount > 0 } })
        else { return nil }
        let layer = record.layers.first { $0.nonFiniteCount > 0 }
        let where_ = layer.map { "layer \($0.path) (\($0.kind)) holds \($0.nonFiniteCount) NaN/∞ values" } ?? "the loss or gradient norm is not finite"
        return Finding(
            kind: .nonFinite, layer: layer?.path, firstStep: record.step,
            evidence: ["loss": record.loss, "total_grad_norm": record.totalGradNorm, "non_finite_values": Double(layer?.nonFiniteCount ?? 0)],
            explanation: "At step \(record.step) \(where_). Once a NaN or ∞ enters, every later update spreads it: "
                + "usually gradients grew until they overflowed (a learning rate too high, weights too large, no clipping).")
    }
}
