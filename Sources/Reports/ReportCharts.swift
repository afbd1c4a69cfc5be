import Foundation
import Monitor
import Plots

/// The report's pictures, drawn from a run's records and loss curves.
enum ReportCharts {
    /// Each run's per-step loss, a trailing moving average so that batch noise does not hide the
    /// trend; the original run thick and grey underneath, each remedy in its colour and dash
    /// pattern on top, every line named where it ends, so remedies that change nothing (and lie
    /// on the original) stay visible. Log y when the losses span more than ×20.
    static func lossCurves(_ curves: LossCurves, lossName: String) -> String {
        let length = curves.runs.map(\.losses.count).max() ?? 0
        let window = max(1, length / 60)
        let series = curves.runs.enumerated().map { i, run in
            LineChart.Series(name: run.label, points: movingAverage(run.losses, window: window).enumerated().map { (Double($0), $1) },
                             color: i == 0 ? "#9a9a9a" : ColorMap.series(i - 1),
                             dash: i == 0 ? nil : LineChart.Series.distinctDashes[(i - 1) % LineChart.Series.distinctDashes.count],
                             width: i == 0 ? 4 : 1.6)
        }
        let positives = curves.runs.flatMap(\.losses).filter { $0.isFinite && $0 > 0 }
        let logY = (positives.max() ?? 1) / max(positives.min() ?? 1, 1e-300) > 20
        var chart = LineChart(title: (curves.runs.count > 1 ? "Training loss before and after each remedy" : "Training loss")
                                  + (window > 1 ? " (moving mean of \(window) steps)" : ""),
                              xLabel: "training step (batches)", yLabel: "\(lossName)\(logY ? ", log scale" : "")",
                              series: Array(series.dropFirst()) + series.prefix(1), logY: logY)  // the original underneath
        chart.width = 960
        chart.height = 380
        chart.endLabels = series.count > 1
        return chart.svg()
    }

    /// A trailing mean over the last `window` finite values (non-finite ones kept as they are).
    static func movingAverage(_ values: [Double], window: Int) -> [Double] {
        guard window > 1 else { return values }
        var out: [Double] = [], recent: [Double] = []
        for v in values {
            guard v.isFinite else { out.append(v); continue }
            recent.append(v)
            if recent.count > window { recent.removeFirst() }
            out.append(recent.reduce(0, +) / Double(recent.count))
        }
        return out
    }

    /// The layers a picture shows: those with weights (Linear, recurrent, norm), in model order.
    static func weightedLayers(_ record: StepRecord) -> [LayerRecord] { record.layers.filter { $0.weightNorm != nil } }

    static func label(_ layer: LayerRecord) -> String { "\(layer.path) \(layer.kind)" }

    /// ‖∂L/∂z‖ at each weighted layer's output (rows, input side on top) at each recorded step
    /// (columns; at most 160, evenly chosen).
    static func heatMap(_ records: [StepRecord]) -> String? {
        guard let first = records.first else { return nil }
        let layers = weightedLayers(first)
        guard !layers.isEmpty else { return nil }
        let chosen = evenlyChosen(records, count: 160)
        let values = layers.map { layer in
            chosen.map { record in record.layers.first { $0.path == layer.path }?.outputGradNorm }
        }
        var map = HeatMap(title: "Back-propagated gradient norm per layer and step", xLabel: "training step",
                          yLabel: "layer", valueLabel: "‖∂L/∂z‖",
                          rowLabels: layers.map(label), columns: chosen.map { Double($0.step) }, values: values)
        map.width = 960
        return map.svg()
    }

    /// The gradient-flow picture: depth on x, ‖∂L/∂z‖ on a log y axis, one line per chosen step;
    /// `width` in pixels (960 alone, narrower for two side by side); the y axis also spans
    /// `sharing`'s picture, so two runs drawn side by side share one scale.
    static func gradientFlow(_ records: [StepRecord], title: String = "Gradient flow: how much gradient reaches each layer",
                             width: Double = 960, sharing other: [StepRecord] = []) -> String? {
        guard let first = records.first, weightedLayers(first).count >= 2 else { return nil }
        let chosen = evenlyChosen(records, count: 5)
        let series = chosen.enumerated().map { i, record in
            LineChart.Series(name: "step \(record.step)",
                             points: weightedLayers(record).enumerated().compactMap { depth, layer in layer.outputGradNorm.map { (Double(depth), $0) } },
                             color: ColorMap.viridis(chosen.count > 1 ? 0.9 * Double(i) / Double(chosen.count - 1) : 0), markers: true)
        }
        var chart = LineChart(title: title,
                              xLabel: "depth (weighted layer index; 0 = input side)",
                              yLabel: "‖∂L/∂z‖ at the layer's output (log scale)", series: series, logY: true)
        chart.width = width
        chart.extraYValues = evenlyChosen(other, count: 5).flatMap { weightedLayers($0).compactMap(\.outputGradNorm) }
        let depth = weightedLayers(first).count
        chart.xTicks = Array(stride(from: 0, to: depth, by: max(1, depth / 10))).map(Double.init)
        return chart.svg()
    }

    /// Recurrent layers' gradient through time: ‖∂L/∂h_t‖ against the time step t at the first and
    /// the last record, one chart per recurrent layer. A line that falls by decades toward t = 0
    /// is the recurrent vanishing gradient (source article 003).
    static func throughTime(_ records: [StepRecord]) -> [String] {
        guard let first = records.first else { return [] }
        return first.layers.compactMap { layer -> String? in
            guard layer.hiddenGradNorms != nil else { return nil }
            let chosen = evenlyChosen(records.filter { r in r.layers.contains { $0.path == layer.path && $0.hiddenGradNorms != nil } }, count: 3)
            let series = chosen.enumerated().map { i, record in
                let norms = record.layers.first { $0.path == layer.path }?.hiddenGradNorms ?? []
                return LineChart.Series(name: "step \(record.step)", points: norms.enumerated().map { (Double($0), $1) },
                                        color: ColorMap.viridis(chosen.count > 1 ? 0.9 * Double(i) / Double(chosen.count - 1) : 0))
            }
            var chart = LineChart(title: "Gradient through time: \(label(layer))", xLabel: "time step t of the sequence",
                                  yLabel: "‖∂L/∂h_t‖ (log scale)", series: series, logY: true)
            chart.width = 960
            return chart.svg()
        }
    }

    /// One row per weighted layer: its weights, their gradients and the outputs of the activation
    /// after it (or its own outputs), at the first and the last step that has histograms.
    static func histogramRows(_ records: [StepRecord]) -> [(layer: String, charts: [String])] {
        let withHistograms = records.filter { $0.layers.contains { $0.histograms != nil } }
        guard let first = withHistograms.first, let last = withHistograms.last else { return [] }
        func histograms(_ record: StepRecord, _ path: String) -> (weights: Histogram?, gradients: Histogram?, outputs: Histogram?, outputKind: String?) {
            guard let i = record.layers.firstIndex(where: { $0.path == path }), let own = record.layers[i].histograms else { return (nil, nil, nil, nil) }
            if i + 1 < record.layers.count, record.layers[i + 1].weightNorm == nil, let next = record.layers[i + 1].histograms {
                return (own.weights, own.gradients, next.activations, record.layers[i + 1].kind)
            }
            return (own.weights, own.gradients, own.activations, nil)
        }
        return weightedLayers(first).map { layer in
            let a = histograms(first, layer.path), b = histograms(last, layer.path)
            let steps = ("step \(first.step)", "step \(last.step)")
            func chart(_ title: String, _ x: String, _ h1: Histogram?, _ h2: Histogram?) -> String {
                var layers: [HistogramChart.Layer] = []
                if let h1, !h1.counts.isEmpty { layers.append(.init(name: steps.0, edges: h1.edges, counts: h1.counts.map(Double.init), color: "#7f7f7f")) }
                if let h2, !h2.counts.isEmpty, first.step != last.step {
                    layers.append(.init(name: steps.1, edges: h2.edges, counts: h2.counts.map(Double.init), color: "#1f77b4"))
                }
                return HistogramChart(title: title, xLabel: x, layers: layers).svg()
            }
            let outputs = a.outputKind.map { "\($0) outputs" } ?? "outputs"
            return (label(layer), [
                chart("weights", "weight value", a.weights, b.weights),
                chart("weight gradients", "∂L/∂W value", a.gradients, b.gradients),
                chart(outputs, "activation value", a.outputs, b.outputs),
            ])
        }
    }

    /// Up to `count` elements, evenly spaced, always the first and the last.
    static func evenlyChosen<T>(_ items: [T], count: Int) -> [T] {
        guard items.count > count, count >= 2 else { return items }
        return (0..<count).map { items[Int((Double($0) * Double(items.count - 1) / Double(count - 1)).rounded())] }
    }
}
