import Monitor

/// Records made by hand for the rule tests: `steps` records of one or more layers, each layer's
/// numbers set by `layer(step)`, with the loss `loss(step)`.
func syntheticRecords(
    steps: Int, loss: (Int) -> Double = { _ in 1 }, gradNorm: (Int) -> Double = { _ in 1 },
    layers: [(path: String, kind: String, fill: (Int, inout LayerRecord) -> Void)]
) -> [StepRecord] {
    (0..<steps).map { step in
        StepRecord(step: step, epoch: 0, loss: loss(step), learningRate: 0.1, totalGradNorm: gradNorm(step), applied: true,
                   layers: layers.map { path, kind, fill in
                       var record = LayerRecord(path: path, kind: kind, activationMean: 0, activationStd: 1)
                       fill(step, &record)
                       return record
                   })
    }
}
