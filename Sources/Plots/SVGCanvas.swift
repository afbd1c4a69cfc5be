import Foundation

/// An SVG picture built element by element: lines, rectangles, paths and text in user units
/// (CSS pixels), with the text XML-escaped. `markup` is inline `<svg>` for an HTML page; it
/// refers to nothing outside itself.
public struct SVGCanvas: Sendable {
    public let width: Double
    public let height: Double
    /// The accessible name (`<title>`) and the label a reader sees first.
    public var title: String
    private var body: [String] = []
    private var definitions: [String] = []

    public init(width: Double, height: Double, title: String) {
        self.width = width
        self.height = height
        self.title = title
    }

    /// Text for XML content or a quoted attribute.
    public static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A number for an attribute: at most two decimals.
    static func n(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(format: "%.2f", r)
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        body.append("<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>")
    }

    /// A rectangle; `crisp` turns off anti-aliasing (cells of a grid, which would otherwise show seams).
    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil, tooltip: String? = nil, crisp: Bool = false) {
        let shape = "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" fill=\"\(fill)\"\(stroke.map { " stroke=\"\($0)\"" } ?? "")\(crisp ? " shape-rendering=\"crispEdges\"" : "")"
        body.append(tooltip.map { shape + "><title>\(Self.escape($0))</title></rect>" } ?? shape + "/>")
    }

    public mutating func circle(_ x: Double, _ y: Double, r: Double, fill: String, tooltip: String? = nil) {
        let shape = "<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\""
        body.append(tooltip.map { shape + "><title>\(Self.escape($0))</title></circle>" } ?? shape + "/>")
    }

    /// A polyline through `points`; nothing for fewer than two.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dash: String? = nil, opacity: Double = 1) {
        guard points.count >= 2 else { return }
        let coordinates = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        body.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\" stroke-linejoin=\"round\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")\(opacity < 1 ? " stroke-opacity=\"\(Self.n(opacity))\"" : "")/>")
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    /// Text with its baseline at `y`; `rotate` turns it about its anchor point (degrees).
    public mutating func text(_ string: String, _ x: Double, _ y: Double, size: Double = 12, anchor: Anchor = .start,
                              rotate: Double? = nil, weight: String? = nil, fill: String = "#222") {
        let transform = rotate.map { " transform=\"rotate(\(Self.n($0)) \(Self.n(x)) \(Self.n(y)))\"" } ?? ""
        body.append("<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\"\(weight.map { " font-weight=\"\($0)\"" } ?? "")\(transform)>\(Self.escape(string))</text>")
    }

    /// A vertical gradient (bottom to top through `colors`) that `fill="url(#id)"` uses.
    public mutating func verticalGradient(id: String, colors: [String]) {
        let stops = colors.enumerated().map { i, c in
            "<stop offset=\"\(Self.n(100 * Double(i) / Double(max(colors.count - 1, 1))))%\" stop-color=\"\(c)\"/>"
        }
        definitions.append("<linearGradient id=\"\(id)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\(stops.joined())</linearGradient>")
    }

    /// The `<svg>` element.
    public var markup: String {
        let defs = definitions.isEmpty ? "" : "<defs>\(definitions.joined())</defs>"
        return "<svg viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" role=\"img\" font-family=\"system-ui, sans-serif\"><title>\(Self.escape(title))</title>\(defs)\(body.joined())</svg>"
    }
}
