/// One or more histograms over a shared value axis, drawn as step outlines (the first filled
/// lightly): a layer's weights, gradients or outputs at the first and the last step. The y axis
/// is each bin's share of its histogram's values, so histograms of different sizes compare.
public struct HistogramChart: Sendable {
    /// One histogram: bin edges (`counts.count + 1` of them) and counts.
    public struct Layer: Sendable {
        public var name: String
        public var edges: [Double]
        public var counts: [Double]
        public var color: String

        public init(name: String, edges: [Double], counts: [Double], color: String) {
            precondition(counts.isEmpty || edges.count == counts.count + 1, "HistogramChart: \(counts.count) bins need \(counts.count + 1) edges, got \(edges.count)")
            self.name = name
            self.edges = edges
            self.counts = counts
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var layers: [Layer]
    /// Canvas size in CSS pixels (default 250 × 160, for small multiples).
    public var width: Double = 250
    public var height: Double = 160

    public init(title: String, xLabel: String, layers: [Layer]) {
        self.title = title
        self.xLabel = xLabel
        self.layers = layers
    }

    /// The chart as inline SVG.
    public func svg() -> String {
        let shares = layers.map { layer -> [Double] in
            let total = layer.counts.reduce(0, +)
            return layer.counts.map { total > 0 ? $0 / total : 0 }
        }
        let frame = PlotFrame(width: width, height: height, xValues: layers.flatMap(\.edges), yValues: shares.flatMap { $0 } + [0],
                              yIncludesZero: true, margins: (40, 22, 8, 40))
        var canvas = SVGCanvas(width: width, height: height, title: title)
        frame.draw(on: &canvas, title: title, xLabel: xLabel, yLabel: "", xTicks: frame.x.ticks(count: 3))
        for (i, layer) in layers.enumerated() where !layer.counts.isEmpty {
            guard let base = frame.y.position(0) else { continue }
            if layer.edges.first == layer.edges.last, let x = frame.x.position(layer.edges[0]), let top = frame.y.position(shares[i][0]) {
                canvas.line(x, base, x, top, stroke: layer.color, width: 3)  // every value the same: a spike
                continue
            }
            var outline: [(Double, Double)] = []
            for (b, share) in shares[i].enumerated() {
                guard let x0 = frame.x.position(layer.edges[b]), let x1 = frame.x.position(layer.edges[b + 1]),
                      let y = frame.y.position(share) else { continue }
                if i == 0 { canvas.rect(x0, y, max(x1 - x0, 0.5), base - y, fill: layer.color + "55") }
                outline += [(x0, outline.isEmpty ? base : y), (x0, y), (x1, y)]
            }
            if let last = outline.last { outline.append((last.0, base)) }
            canvas.polyline(outline, stroke: layer.color, width: 1.4)
        }
        for (i, layer) in layers.enumerated() {
            canvas.text(layer.name, width - 10, 34 + Double(i) * 13, size: 10, anchor: .end, fill: layer.color)
        }
        return canvas.markup
    }
}
