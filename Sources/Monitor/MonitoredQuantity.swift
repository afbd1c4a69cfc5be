/// One per-layer number the monitor records, declared once: what it is, its unit, its key in
/// `metrics.jsonl` (a `LayerRecord` field, snake_case) which is also its `metrics.csv` column, its
/// TensorBoard tag (nil: not exported as a scalar) and how to read it from a record. The CSV
/// writer, the TensorBoard export and the docs read this table.
public struct MonitoredQuantity: Sendable {
    /// In words, with the symbol (`‖∂L/∂a‖ at the layer's output`).
    public let name: String
    /// `norm`, `fraction`, `ratio`, `count`, or the activation's own unit (`value`).
    public let unit: String
    /// The JSON key and CSV column.
    public let key: String
    /// The TensorBoard scalar tag prefix (`gradient_norm`; the layer's suffix follows), written
    /// for weighted layers only.
    public let tensorBoardTag: String?
    /// The number in `record`, nil where it does not apply.
    public let value: @Sendable (LayerRecord) -> Double?

    /// The per-layer quantities in CSV column order.
    public static let perLayer: [MonitoredQuantity] = [
        .init(name: "‖∂L/∂a‖ at the layer's output (the back-propagated gradient)", unit: "norm", key: "output_grad_norm",
              tensorBoardTag: "backprop_norm", value: \.outputGradNorm),
        .init(name: "mean of the layer's output", unit: "value", key: "activation_mean", tensorBoardTag: nil, value: \.activationMean),
        .init(name: "standard deviation of the layer's output", unit: "value", key: "activation_std", tensorBoardTag: nil,
              value: \.activationStd),
        .init(name: "sigmoid/tanh outputs whose derivative is below 1 % of its maximum", unit: "fraction", key: "saturated_fraction",
              tensorBoardTag: nil, value: \.saturatedFraction),
        .init(name: "ReLU units that output 0 for every sample", unit: "fraction", key: "dead_fraction", tensorBoardTag: nil,
              value: \.deadFraction),
        .init(name: "mean σ′ read from the output", unit: "value", key: "mean_derivative", tensorBoardTag: nil, value: \.meanDerivative),
        .init(name: "units whose weight row equals the first unit's", unit: "fraction", key: "identical_unit_fraction",
              tensorBoardTag: nil, value: \.identicalUnitFraction),
        .init(name: "‖W‖ of the layer's weights", unit: "norm", key: "weight_norm", tensorBoardTag: "weight_norm", value: \.weightNorm),
        .init(name: "‖∂L/∂W‖ as the step used it (after clipping)", unit: "norm", key: "grad_norm", tensorBoardTag: "gradient_norm",
              value: \.gradNorm),
        .init(name: "‖ΔW‖ of the step's update", unit: "norm", key: "update_norm", tensorBoardTag: nil, value: \.updateNorm),
        .init(name: "‖ΔW‖ / ‖W‖", unit: "ratio", key: "update_ratio", tensorBoardTag: "update_ratio", value: \.updateRatio),
        .init(name: "NaN and ±∞ values in the output, weights and gradients", unit: "count", key: "non_finite_count",
              tensorBoardTag: nil, value: { Double($0.nonFiniteCount) }),
    ]
}
