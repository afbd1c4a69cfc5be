import Foundation
import TensorCore

/// Generated data sets of the experiment-file vocabulary; the same seed gives the same data.
public enum SyntheticData {
    /// Interleaved 2-D spirals: for class k, `samples/classes` points with r = linspace(0, 1)
    /// and θ = linspace(4k, 4(k+1)) + N(0, noise²); x = (r·sin θ, r·cos θ). Targets: class indices.
    public static func spirals<Scalar: TensorScalar>(
        classes: Int = 3, samples: Int = 900, noise: Double = 0.2, using rng: inout RandomGenerator
    ) -> InMemoryDataset<Scalar> {
        precondition(classes > 0 && samples >= classes, "spirals: need classes > 0 and samples ≥ classes")
        let perClass = samples / classes
        var inputs: [Scalar] = [], targets: [Scalar] = []
        for k in 0..<classes {
            for i in 0..<perClass {
                let t = perClass > 1 ? Double(i) / Double(perClass - 1) : 0
                let theta = 4 * Double(k) + 4 * t + rng.normal(mean: 0, std: noise)
                inputs += [Scalar(t * sin(theta)), Scalar(t * cos(theta))]
                targets.append(Scalar(k))
            }
        }
        return InMemoryDataset(inputs: Tensor(shape: [perClass * classes, 2], scalars: inputs), targets: Tensor(targets))
    }

    /// Regression on a fixed random teacher MLP: `depth` hidden tanh layers of width 32, weights
    /// N(0, 1/fan_in), biases 0; inputs N(0, 1); targets scaled to unit variance (per output).
    public static func teacher<Scalar: TensorScalar>(
        features: Int = 16, outputs: Int = 1, samples: Int = 2000, depth: Int = 2, using rng: inout RandomGenerator
    ) -> InMemoryDataset<Scalar> {
        precondition(features > 0 && outputs > 0 && samples > 1 && depth >= 0, "teacher: sizes must be positive")
        let widths = [features] + Array(repeating: 32, count: depth) + [outputs]
        let weights: [Tensor<Double>] = zip(widths, widths.dropFirst()).map { fanIn, fanOut in
            .normal(shape: [fanIn, fanOut], mean: 0, std: (1 / Double(fanIn)).squareRoot(), using: &rng)
        }
        let x = Tensor<Double>.normal(shape: [samples, features], mean: 0, std: 1, using: &rng)
        var h = x
        for (layer, w) in weights.enumerated() {
            h = h.matmul(w)
            if layer < weights.count - 1 { h = h.map { tanh($0) } }
        }
        var y = h.scalars
        for j in 0..<outputs {
            let column = stride(from: j, to: y.count, by: outputs).map { y[$0] }
            let mean = column.reduce(0, +) / Double(samples)
            let std = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples)).squareRoot()
            for i in stride(from: j, to: y.count, by: outputs) { y[i] = std > 0 ? (y[i] - mean) / std : 0 }
        }
        return InMemoryDataset(inputs: Tensor(x.scalars.map { Scalar($0) }).reshaped([samples, features]),
                               targets: Tensor(shape: [samples, outputs], scalars: y.map { Scalar($0) }))
    }

    /// The adding problem (Hochreiter & Schmidhuber, 1997): inputs `[samples, length, 2]` =
    /// (value ~ U(0, 1), marker); one marker in the first half, one in the second; target
    /// `[samples, 1]` = the sum of the two marked values.
    public static func adding<Scalar: TensorScalar>(length: Int = 20, samples: Int = 1000, using rng: inout RandomGenerator) -> InMemoryDataset<Scalar> {
        precondition(length >= 2 && samples > 0, "adding: need length ≥ 2 and samples > 0")
        var inputs = [Scalar](repeating: 0, count: samples * length * 2), targets: [Scalar] = []
        let half = length / 2
        for s in 0..<samples {
            let first = Int(rng.next() % UInt64(half)), second = half + Int(rng.next() % UInt64(length - half))
            var sum = 0.0
            for t in 0..<length {
                let v = rng.nextUnit()
                inputs[(s * length + t) * 2] = Scalar(v)
                if t == first || t == second {
                    inputs[(s * length + t) * 2 + 1] = 1
                    sum += v
                }
            }
            targets.append(Scalar(sum))
        }
        return InMemoryDataset(inputs: Tensor(shape: [samples, length, 2], scalars: inputs),
                               targets: Tensor(shape: [samples, 1], scalars: targets))
    }

    /// Temporal order (Pascanu, Mikolov & Bengio, 2013, after Hochreiter & Schmidhuber): inputs
    /// `[samples, length, 6]` one-hot symbols A–F; positions t₁ ∈ [L/10, 2L/10) and
    /// t₂ ∈ [5L/10, 6L/10) hold A or B, the rest C–F at random; targets: 4 classes AA, AB, BA, BB.
    public static func temporalOrder<Scalar: TensorScalar>(length: Int = 20, samples: Int = 1000, using rng: inout RandomGenerator) -> InMemoryDataset<Scalar> {
        precondition(length >= 10 && samples > 0, "temporal_order: need length ≥ 10 and samples > 0")
        var inputs = [Scalar](repeating: 0, count: samples * length * 6), targets: [Scalar] = []
        func position(_ lo: Int, _ hi: Int) -> Int { lo + Int(rng.next() % UInt64(Swift.max(hi - lo, 1))) }
        for s in 0..<samples {
            let t1 = position(length / 10, 2 * length / 10), t2 = position(5 * length / 10, 6 * length / 10)
            let a = Int(rng.next() % 2), b = Int(rng.next() % 2)
            for t in 0..<length {
                let symbol = t == t1 ? a : t == t2 ? b : 2 + Int(rng.next() % 4)
                inputs[(s * length + t) * 6 + symbol] = 1
            }
            targets.append(Scalar(2 * a + b))
        }
        return InMemoryDataset(inputs: Tensor(shape: [samples, length, 6], scalars: inputs), targets: Tensor(targets))
    }
}
