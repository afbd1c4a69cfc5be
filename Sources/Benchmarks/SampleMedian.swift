/// The median of a sample of timings or ratios, with its interquartile range (the spread of one
/// measurement) and a distribution-free 95 % confidence interval for the median itself (how far
/// the reported figure may be from the machine's true median). The interval is the pair of order
/// statistics at ranks n/2 ∓ 1.96·√n/2 of the sorted sample: how many values fall below the true
/// median is Binomial(n, ½), whatever their distribution (Conover, "Practical Nonparametric
/// Statistics", 3rd ed., §3.2). Its width falls as 1/√n: four times the pairs, half the width.
public struct SampleMedian: Sendable {
    /// The middle value (the lower of the two middle ones for an even count).
    public let median: Double
    /// The 25th and 75th percentiles.
    public let quartiles: (lower: Double, upper: Double)
    /// The 95 % confidence interval of the median (the whole sample's range below 6 values).
    public let confidence95: (lower: Double, upper: Double)

    /// Summarises `values` (at least one).
    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "SampleMedian: no values")
        let sorted = values.sorted()
        let last = sorted.count - 1
        func at(_ fraction: Double) -> Double { sorted[Int(fraction * Double(last))] }
        median = at(0.5)
        quartiles = (at(0.25), at(0.75))
        let half = 1.96 * Double(sorted.count).squareRoot() / 2
        let low = Int((Double(sorted.count) / 2 - half).rounded(.down)) - 1
        let high = Int((Double(sorted.count) / 2 + half).rounded(.up))
        confidence95 = (sorted[max(low, 0)], sorted[min(high, last)])
    }
}
