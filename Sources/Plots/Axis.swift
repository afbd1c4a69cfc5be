import Foundation

/// A map from data values to a pixel interval, linear or base-10 logarithmic, with the tick
/// values a reader needs to read it.
public struct Axis: Sendable {
    public let low: Double
    public let high: Double
    public let logarithmic: Bool
    /// Pixel positions of `low` and `high` (for a y axis `from` is the bottom).
    public let from: Double
    public let to: Double

    /// An axis over the finite values of `values` (positive ones only when `logarithmic`);
    /// `[0, 1]` (or `[0.1, 1]`) when there is none. A single value gets a margin around it.
    public init(covering values: [Double], logarithmic: Bool = false, from: Double, to: Double, includeZero: Bool = false) {
        let usable = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
        var low = usable.min() ?? (logarithmic ? 0.1 : 0), high = usable.max() ?? 1
        if includeZero && !logarithmic { low = Swift.min(low, 0); high = Swift.max(high, 0) }
        if logarithmic {
            low = pow(10, floor(log10(low)))
            high = pow(10, ceil(log10(high)))
            if high <= low { high = low * 10 }
        } else if high <= low {
            let margin = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - margin, high + margin)
        }
        self.init(low: low, high: high, logarithmic: logarithmic, from: from, to: to)
    }

    public init(low: Double, high: Double, logarithmic: Bool, from: Double, to: Double) {
        precondition(high > low && (!logarithmic || low > 0), "Axis: needs low < high (and low > 0 on a log axis), got \(low)…\(high)")
        self.low = low
        self.high = high
        self.logarithmic = logarithmic
        self.from = from
        self.to = to
    }

    /// The pixel position of `value` (clamped to the axis), or nil for a value it cannot show.
    public func position(_ value: Double) -> Double? {
        guard value.isFinite, !logarithmic || value > 0 else { return nil }
        let t = logarithmic ? (log10(value) - log10(low)) / (log10(high) - log10(low)) : (value - low) / (high - low)
        return from + Swift.min(1, Swift.max(0, t)) * (to - from)
    }

    /// About `count` round tick values: 1, 2 or 5 × 10ᵏ apart on a linear axis; the powers of
    /// ten on a log axis (every second, third… one when there are many decades).
    public func ticks(count: Int = 5) -> [Double] {
        if logarithmic {
            let first = Int(log10(low).rounded()), last = Int(log10(high).rounded())
            let stride = Swift.max(1, Int((Double(last - first) / Double(count)).rounded(.up)))
            return Swift.stride(from: first, through: last, by: stride).map { pow(10, Double($0)) }
        }
        let raw = (high - low) / Double(Swift.max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        // The first round step at least `raw`; a smaller one when that leaves fewer than two
        // ticks (a range of ±0.18 with step 0.2 would show "0" alone).
        let steps = [0.1, 0.2, 0.5, 1.0, 2, 5, 10].map { $0 * magnitude }
        var index = steps.firstIndex { $0 >= raw } ?? steps.count - 1
        while true {
            let ticks = Self.multiples(of: steps[index], from: low, to: high)
            if ticks.count >= 2 || index == 0 { return ticks }
            index -= 1
        }
    }

    /// The multiples of `step` in `low…high`, each to 12 significant digits (0.6, not 0.6000000000000001).
    static func multiples(of step: Double, from low: Double, to high: Double) -> [Double] {
        var ticks: [Double] = [], k = ceil(low / step)
        while k * step <= high + step * 1e-9 {
            ticks.append(k == 0 ? 0 : Double(String(format: "%.12g", k * step))!)
            k += 1
        }
        return ticks
    }

    /// A short label for a tick or a value, about three significant digits: `0.25`, `1200`,
    /// `1e-5`, `2.5e7`.
    public static func label(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : "−∞") }
        if v == 0 { return "0" }
        if abs(v) >= 1e5 || abs(v) < 1e-3 {
            let text = String(format: "%.1e", v)  // "1.0e-05"
            let parts = text.split(separator: "e")
            let mantissa = parts[0].hasSuffix(".0") ? String(parts[0].dropLast(2)) : String(parts[0])
            return "\(mantissa)e\(Int(parts[1])!)"
        }
        if abs(v) >= 100 { return String(Int(v.rounded())) }
        var text = String(format: "%.3g", v)
        if text.contains(".") && !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
