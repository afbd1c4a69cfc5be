/// Lines over a shared x axis, optionally on a log y axis, with a legend: loss curves, the
/// gradient-flow picture (one line per step). The first series is drawn last, on top. Non-finite or (on a log axis) non-positive values
/// break a line rather than bend it.
public struct LineChart: Sendable {
    /// One line.
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var dashed: Bool
        /// Dots at every point (for few points, such as one per layer).
        public var markers: Bool

        public init(name: String, points: [(x: Double, y: Double)], color: String, dashed: Bool = false, markers: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
            self.markers = markers
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var logY: Bool
    /// Canvas size in CSS pixels (default 760 × 340).
    public var width: Double = 760
    public var height: Double = 340
    /// Tick values for the x axis (default: round numbers).
    public var xTicks: [Double]?
    /// Values the y axis must reach besides the series' (default none): two charts given each
    /// other's extremes share one y range, so they can be compared by eye.
    public var extraYValues: [Double] = []

    public init(title: String, xLabel: String, yLabel: String, series: [Series], logY: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logY = logY
    }

    /// The chart as inline SVG.
    public func svg() -> String {
        let legendWidth: Double = series.count > 1 ? 170 : 0
        let frame = PlotFrame(width: width - legendWidth, height: height, xValues: series.flatMap { $0.points.map(\.x) },
                              yValues: series.flatMap { $0.points.map(\.y) } + extraYValues, logY: logY)
        var canvas = SVGCanvas(width: width, height: height, title: title)
        frame.draw(on: &canvas, title: title, xLabel: xLabel, yLabel: yLabel, xTicks: xTicks)
        for s in series.reversed() {
            var run: [(Double, Double)] = []
            for point in s.points {
                if let px = frame.x.position(point.x), let py = frame.y.position(point.y) {
                    run.append((px, py))
                    if s.markers { canvas.circle(px, py, r: 3, fill: s.color, tooltip: "\(s.name): \(Axis.label(point.x)), \(Axis.label(point.y))") }
                } else {
                    canvas.polyline(run, stroke: s.color, dash: s.dashed ? "6 4" : nil)
                    run = []
                }
            }
            canvas.polyline(run, stroke: s.color, dash: s.dashed ? "6 4" : nil)
        }
        if legendWidth > 0 {
            let x0 = width - legendWidth + 8
            for (i, s) in series.enumerated() {
                let y = frame.top + 8 + Double(i) * 18
                canvas.line(x0, y - 4, x0 + 22, y - 4, stroke: s.color, width: 2.5, dash: s.dashed ? "6 4" : nil)
                canvas.text(s.name, x0 + 28, y, size: 11)
            }
        }
        return canvas.markup
    }
}
