import TensorCore

/// The distribution of one tensor's finite values: `counts[i]` values fall in bin i of `bins`
/// equal-width bins from `min` to `max` (the last bin includes `max`), with the moments
/// TensorBoard's histograms carry (count, sum, sum of squares) and the NaN/±∞ count apart.
public struct Histogram: Codable, Sendable, Equatable {
    public var min: Double
    public var max: Double
    /// Finite values counted.
    public var count: Int
    public var sum: Double
    public var sumSquares: Double
    /// Values per bin; one bin when every value is the same, none when there is no finite value.
    public var counts: [Int]
    /// NaN and ±∞ values (not in the bins).
    public var nonFinite: Int

    /// The histogram of `values` over `bins` bins (default 30).
    @_specialize(where Scalar == Float)
    public init<Scalar: TensorScalar>(_ values: Tensor<Scalar>, bins: Int = 30) {
        precondition(bins >= 1, "Histogram: bins must be ≥ 1, got \(bins)")
        var low = Double.infinity, high = -Double.infinity, sum = 0.0, squares = 0.0, finite = 0
        values.withUnsafeBufferPointer { p in
            for x in p where x.isFinite {
                let d = Double(x)
                if d < low { low = d }
                if d > high { high = d }
                sum += d
                squares += d * d
                finite += 1
            }
        }
        self.count = finite
        self.sum = sum
        self.sumSquares = squares
        nonFinite = values.count - finite
        guard finite > 0 else {
            (min, max, counts) = (0, 0, [])
            return
        }
        (min, max) = (low, high)
        let n = high > low ? bins : 1
        var counts = [Int](repeating: 0, count: n)
        let scale = high > low ? Double(n) / (high - low) : 0
        values.withUnsafeBufferPointer { p in
            for x in p where x.isFinite {
                counts[Swift.min(n - 1, Int((Double(x) - low) * scale))] += 1
            }
        }
        self.counts = counts
    }

    /// The histogram of several tensors' values together (a layer's weight matrices).
    public init<Scalar: TensorScalar>(combining tensors: [Tensor<Scalar>], bins: Int = 30) {
        self.init(Tensor(tensors.flatMap(\.scalars)), bins: bins)
    }

    /// The `counts.count + 1` bin edges from `min` to `max`.
    public var edges: [Double] {
        guard !counts.isEmpty else { return [] }
        let width = (max - min) / Double(counts.count)
        return (0...counts.count).map { $0 == counts.count ? max : min + Double($0) * width }
    }
}

/// A layer's histograms at one step: its weights (not biases), their gradients, and its output.
public struct LayerHistograms: Codable, Sendable, Equatable {
    public var weights: Histogram?
    public var gradients: Histogram?
    public var activations: Histogram

    public init(weights: Histogram?, gradients: Histogram?, activations: Histogram) {
        self.weights = weights
        self.gradients = gradients
        self.activations = activations
    }
}
