import Monitor

/// The monitor's records as `metrics.csv` for spreadsheets: one row per recorded step and
/// layer (long format), the step's columns repeated on each of its layers' rows; empty cells
/// where a number does not apply to the layer. Histograms and per-time-step recurrent norms
/// stay in metrics.jsonl.
public enum MetricsCSV {
    /// The column names, in order.
    public static let columns = ["step", "epoch", "loss", "learning_rate", "total_grad_norm", "applied", "layer", "kind"]
        + MonitoredQuantity.perLayer.map(\.key)

    /// The CSV text of `records`.
    public static func csv(_ records: [StepRecord]) -> String {
        var lines = [columns.joined(separator: ",")]
        for r in records {
            let step = [String(r.step), String(r.epoch), CSVField.number(r.loss), CSVField.number(r.learningRate),
                        CSVField.number(r.totalGradNorm), r.applied ? "true" : "false"]
            for l in r.layers {
                let numbers = MonitoredQuantity.perLayer.map { q in q.unit == "count" ? q.value(l).map { String(Int($0)) } ?? "" : CSVField.number(q.value(l)) }
                lines.append((step + [CSVField.quote(l.path), CSVField.quote(l.kind)] + numbers).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
