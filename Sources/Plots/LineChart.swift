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
        /// An SVG dash pattern (`"6 3"`, `"2 2"`); overrides `dashed`. nil: solid (or `dashed`'s).
        public var dash: String?
        /// Stroke width in pixels (default 1.5).
        public var width: Double

        public init(name: String, points: [(x: Double, y: Double)], color: String, dashed: Bool = false, markers: Bool = false,
                    dash: String? = nil, width: Double = 1.5) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
            self.markers = markers
            self.dash = dash
            self.width = width
        }

        /// The dash pattern drawn.
        var pattern: String? { dash ?? (dashed ? "6 4" : nil) }

        /// Dash patterns that tell apart lines lying on top of each other, in order of use.
        public static let distinctDashes: [String?] = [nil, "7 4", "2 3", "10 3 2 3", "4 4", "1 5", "12 6"]
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
    /// Names each line at the height where it ends instead of in a legend list, spread apart
    /// when ends crowd, with a leader to the end (default false): lines that coincide are named
    /// together at one place.
    public var endLabels = false

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
                    canvas.polyline(run, stroke: s.color, width: s.width, dash: s.pattern)
                    run = []
                }
            }
            canvas.polyline(run, stroke: s.color, width: s.width, dash: s.pattern)
        }
        if legendWidth > 0, endLabels {
            let ends = series.map { s in s.points.last { frame.x.position($0.x) != nil && frame.y.position($0.y) != nil }.flatMap { frame.y.position($0.y) } }
            let placed = Self.spread(ends.map { $0 ?? frame.bottom }, minimumGap: 13, within: frame.top...(frame.bottom + 6))
            let x0 = frame.right + 6
            for (i, s) in series.enumerated() {
                let y = placed[i]
                if let end = ends[i] { canvas.line(frame.right, end, x0 + 14, y - 4, stroke: s.color, width: 0.8) }
                canvas.line(x0 + 14, y - 4, x0 + 30, y - 4, stroke: s.color, width: 2.5, dash: s.pattern)
                canvas.text(ends[i] == nil ? "\(s.name) (no finite value)" : s.name, x0 + 34, y, size: 11)
            }
        } else if legendWidth > 0 {
            let x0 = width - legendWidth + 8
            for (i, s) in series.enumerated() {
                let y = frame.top + 8 + Double(i) * 18
                canvas.line(x0, y - 4, x0 + 22, y - 4, stroke: s.color, width: 2.5, dash: s.pattern)
                canvas.text(s.name, x0 + 28, y, size: 11)
            }
        }
        return canvas.markup
    }

    /// Label heights near `wanted` (same order), at least `minimumGap` apart and inside `range`:
    /// sorted, pushed down where they crowd, then pulled up from the bottom when they overflow.
    static func spread(_ wanted: [Double], minimumGap: Double, within range: ClosedRange<Double>) -> [Double] {
        let order = wanted.indices.sorted { (wanted[$0], $0) < (wanted[$1], $1) }
        var placed = wanted
        var previous = -Double.infinity
        for i in order {
            placed[i] = max(max(wanted[i], range.lowerBound + 8), previous + minimumGap)
            previous = placed[i]
        }
        var next = Double.infinity
        for i in order.reversed() {
            placed[i] = min(placed[i], min(range.upperBound, next - minimumGap))
            next = placed[i]
        }
        return placed
    }
}
