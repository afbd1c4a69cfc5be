import Foundation

/// Sizes computed from untrusted numbers (a file header, an experiment file) without trapping:
/// a negative dimension or a product beyond `Int.max` is nil, so a reader can name the problem
/// instead of stopping the process.
public enum CheckedSize {
    /// The number of elements of `shape`, or nil when a dimension is negative or the product overflows.
    public static func elements(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// The bytes `shape` takes at `elementSize` bytes per element, or nil as for `elements`.
    public static func bytes(_ shape: [Int], elementSize: Int) -> Int? {
        guard let count = elements(shape) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
        return overflow ? nil : bytes
    }

    /// `a·b + c` when it fits in `Int` and every operand is ≥ 0, else nil.
    public static func multiplyAdd(_ a: Int, _ b: Int, _ c: Int = 0) -> Int? {
        guard a >= 0, b >= 0, c >= 0 else { return nil }
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { return nil }
        let (sum, overflow2) = product.addingReportingOverflow(c)
        return overflow2 ? nil : sum
    }

    /// `values` summed, nil if one is nil or the sum overflows.
    public static func sum(_ values: [Int?]) -> Int? {
        var total = 0
        for value in values {
            guard let value, value >= 0 else { return nil }
            let (next, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { return nil }
            total = next
        }
        return total
    }

    /// `bytes` for a person: `12 B`, `3.4 KB`, `1.6 GB`, `9.2 EB` (powers of 1000).
    public static func describe(bytes: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB"]
        var value = bytes, unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f %@", value, units[unit])
    }
}
