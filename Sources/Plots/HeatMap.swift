import Foundation

/// A grid of coloured cells, rows × columns (layers × steps), coloured by log₁₀ of the value on
/// viridis, with a colour bar legend. NaN/±∞ cells are drawn in a warning colour, missing ones
/// in grey; every cell has a tooltip with its row, column and value.
public struct HeatMap: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// What a cell's colour means, for the colour bar (`‖∂L/∂a‖`).
    public var valueLabel: String
    public var rowLabels: [String]
    /// The x value of each column (a step).
    public var columns: [Double]
    /// `values[row][column]`; nil where there is no value.
    public var values: [[Double?]]
    public var width: Double = 760
    /// Height of one row in CSS pixels (default 14; rows grow, up to 28, so that the map is at
    /// least 160 high and its axis title fits).
    public var rowHeight: Double = 14

    public init(title: String, xLabel: String, yLabel: String, valueLabel: String, rowLabels: [String], columns: [Double], values: [[Double?]]) {
        precondition(values.count == rowLabels.count && values.allSatisfy { $0.count == columns.count },
                     "HeatMap: values must be \(rowLabels.count) rows × \(columns.count) columns")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.valueLabel = valueLabel
        self.rowLabels = rowLabels
        self.columns = columns
        self.values = values
    }

    /// The chart as inline SVG.
    public func svg() -> String {
        let left = 150.0, top = 30.0, right = width - 110, rows = Double(max(rowLabels.count, 1))
        let rowHeight = min(28, max(self.rowHeight, 160 / rows))
        let bottom = top + rows * rowHeight, height = bottom + 50
        var canvas = SVGCanvas(width: width, height: height, title: title)
        canvas.text(title, left, top - 10, size: 14, weight: "600")
        let positives = values.flatMap { $0.compactMap { $0 } }.filter { $0.isFinite && $0 > 0 }
        let scale = Axis(covering: positives, logarithmic: true, from: bottom, to: top)
        let cellWidth = (right - left) / Double(max(columns.count, 1))
        func fraction(_ v: Double) -> Double { (log10(v) - log10(scale.low)) / (log10(scale.high) - log10(scale.low)) }
        for (r, row) in values.enumerated() {
            let y = top + Double(r) * rowHeight
            canvas.text(rowLabels[r], left - 6, y + rowHeight * 0.75, size: min(11, rowHeight * 0.85), anchor: .end, fill: "#444")
            for (c, value) in row.enumerated() {
                let color: String
                switch value {
                case nil: color = ColorMap.missing
                case let v? where !v.isFinite: color = ColorMap.nonFinite
                case let v? where v <= 0: color = ColorMap.viridis(0)
                case let v?: color = ColorMap.viridis(fraction(v))
                }
                let tip = "\(rowLabels[r]), \(xLabel) \(Axis.label(columns[c])): \(value.map(Axis.label) ?? "no value")"
                canvas.rect(left + Double(c) * cellWidth, y, cellWidth + 0.5, rowHeight + 0.5, fill: color, tooltip: tip, crisp: true)
            }
        }
        // x ticks: round x values, each at the column nearest to it.
        for t in Axis(covering: columns, from: 0, to: 1).ticks(count: 6) {
            guard let c = columns.indices.min(by: { abs(columns[$0] - t) < abs(columns[$1] - t) }) else { continue }
            let x = left + (Double(c) + 0.5) * cellWidth
            canvas.line(x, bottom, x, bottom + 4, stroke: "#888")
            canvas.text(Axis.label(t), x, bottom + 16, size: 11, anchor: .middle, fill: "#444")
        }
        canvas.text(xLabel, (left + right) / 2, bottom + 36, size: 12, anchor: .middle)
        canvas.text(yLabel, 12, (top + bottom) / 2, size: 12, anchor: .middle, rotate: -90)
        // Colour bar with its log ticks.
        let barX = right + 18
        let gradientID = "colour-bar-" + String(String.UnicodeScalarView(title.unicodeScalars.filter { $0.isASCII && CharacterSet.alphanumerics.contains($0) }))
        canvas.verticalGradient(id: gradientID, colors: (0...8).map { ColorMap.viridis(Double($0) / 8) })
        canvas.rect(barX, top, 14, bottom - top, fill: "url(#\(gradientID))", stroke: "#999")
        for t in scale.ticks(count: max(2, Int(rows / 2))) {
            guard let p = scale.position(t) else { continue }
            canvas.line(barX + 14, p, barX + 18, p, stroke: "#666")
            canvas.text(Axis.label(t), barX + 20, p + 4, size: 10, fill: "#444")
        }
        canvas.text(valueLabel, barX + 7, top - 10, size: 11, anchor: .middle)
        canvas.rect(barX - 60, bottom + 26, 10, 10, fill: ColorMap.nonFinite)
        canvas.text("NaN/∞", barX - 46, bottom + 35, size: 10)
        canvas.rect(barX, bottom + 26, 10, 10, fill: ColorMap.missing, stroke: "#999")
        canvas.text("none", barX + 14, bottom + 35, size: 10)
        return canvas.markup
    }
}
