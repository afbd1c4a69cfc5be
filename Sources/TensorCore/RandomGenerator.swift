import RealModule

/// A seeded xoshiro256** generator (Blackman & Vigna 2018, "Scrambled Linear Pseudorandom
/// Number Generators"), its state filled from the seed by SplitMix64. The same seed gives the
/// same stream on every platform and run.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var state: (UInt64, UInt64, UInt64, UInt64)
    /// The second Box–Muller value, kept for the next normal draw.
    @usableFromInline var spareNormal: Double?

    /// A generator seeded with `seed`.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
        spareNormal = nil
    }

    @inlinable
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = RandomGenerator.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = RandomGenerator.rotl(state.3, 45)
        return result
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform value in `[low, high)`.
    @inlinable
    public mutating func uniform(_ low: Double = 0, _ high: Double = 1) -> Double {
        low + (high - low) * nextUnit()
    }

    /// A normal value N(mean, std²), by the Box–Muller transform (as PyTorch's CPU sampler).
    @inlinable
    public mutating func normal(mean: Double = 0, std: Double = 1) -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return mean + std * z
        }
        let u1 = 1 - nextUnit()  // (0, 1]: log is finite
        let u2 = nextUnit()
        let radius = (-2 * Double.log(u1)).squareRoot()
        spareNormal = radius * Double.sin(2 * .pi * u2)
        return mean + std * radius * Double.cos(2 * .pi * u2)
    }
}

extension Tensor {
    /// A tensor of independent U(low, high) samples.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func uniform(
        shape: [Int], low: Double = 0, high: Double = 1, using rng: inout RandomGenerator
    ) -> Tensor {
        Tensor(shape: shape, scalars: (0..<elementCount(shape)).map { _ in Scalar(rng.uniform(low, high)) })
    }

    /// A tensor of independent N(mean, std²) samples.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func normal(
        shape: [Int], mean: Double = 0, std: Double = 1, using rng: inout RandomGenerator
    ) -> Tensor {
        Tensor(shape: shape, scalars: (0..<elementCount(shape)).map { _ in Scalar(rng.normal(mean: mean, std: std)) })
    }
}
