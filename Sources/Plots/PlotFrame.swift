/// The plotting area of a chart and its two axes: margins, grid lines, tick labels, axis titles.
public struct PlotFrame: Sendable {
    public let x: Axis
    public let y: Axis
    public let left: Double, top: Double, right: Double, bottom: Double
    /// Room below the plotting area (tick labels, then the x axis title at its foot).
    let bottomMargin: Double
    /// The canvas width, which an x tick label must stay inside.
    let canvasWidth: Double

    /// A frame inside a `width` × `height` canvas with room for tick labels and axis titles.
    public init(width: Double, height: Double, xValues: [Double], yValues: [Double], logY: Bool = false,
                yIncludesZero: Bool = false, margins: (left: Double, top: Double, right: Double, bottom: Double) = (64, 30, 16, 46)) {
        left = margins.left
        top = margins.top
        right = width - margins.right
        bottom = height - margins.bottom
        bottomMargin = margins.bottom
        canvasWidth = width
        x = Axis(covering: xValues, from: left, to: right)
        y = Axis(covering: yValues, logarithmic: logY, from: bottom, to: top, includeZero: yIncludesZero)
    }

    /// Draws grid, ticks, tick labels, the axis titles (none for an empty `yLabel`) and the chart title.
    public func draw(on canvas: inout SVGCanvas, title: String, xLabel: String, yLabel: String, xTicks: [Double]? = nil) {
        canvas.rect(left, top, right - left, bottom - top, fill: "#fcfcfc", stroke: "#c8c8c8")
        for t in y.ticks() {
            guard let p = y.position(t) else { continue }
            canvas.line(left, p, right, p, stroke: "#e4e4e4")
            canvas.text(Axis.label(t), left - 6, p + 4, size: 11, anchor: .end, fill: "#444")
        }
        for t in xTicks ?? x.ticks(count: 6) {
            guard let p = x.position(t) else { continue }
            canvas.line(p, bottom, p, bottom + 4, stroke: "#888")
            // About 6.5 px a character at 11 px: a label at the edge moves in rather than being cut.
            let text = Axis.label(t), half = Double(text.count) * 3.25
            canvas.text(text, min(max(p, half + 1), canvasWidth - half - 1), bottom + 16, size: 11, anchor: .middle, fill: "#444")
        }
        canvas.text(xLabel, (left + right) / 2, bottom + bottomMargin - 8, size: bottomMargin < 40 ? 11 : 12, anchor: .middle)
        if !yLabel.isEmpty { canvas.text(yLabel, 14, (top + bottom) / 2, size: 12, anchor: .middle, rotate: -90) }
        canvas.text(title, left, top - 10, size: 14, weight: "600")
    }
}
