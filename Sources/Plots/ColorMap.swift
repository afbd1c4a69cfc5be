import Foundation

/// Colours for charts: viridis for values (perceptually uniform, readable in grey and by
/// colour-blind readers; van der Walt & Smith, matplotlib 2.0) and a qualitative palette for series.
public enum ColorMap {
    /// Viridis at 0, 0.125, …, 1.
    static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ]

    /// Viridis at `t` in [0, 1] (clamped), as `#rrggbb`.
    public static func viridis(_ t: Double) -> String {
        let x = Swift.min(1, Swift.max(0, t.isFinite ? t : 0)) * Double(viridis.count - 1)
        let i = Swift.min(Int(x), viridis.count - 2), f = x - Double(i)
        let a = viridis[i], b = viridis[i + 1]
        return hex(a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    /// The series palette (Tableau 10); the first series is blue.
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// The colour of series `i`.
    public static func series(_ i: Int) -> String { palette[i % palette.count] }

    /// Cells with NaN or ±∞.
    public static let nonFinite = "#ff2d55"
    /// Cells with no value.
    public static let missing = "#e6e6e6"

    static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }
}
