import RealModule

/// Elementary functions for hot loops: `exp`, `sigmoid` and `tanh` that LLVM can vectorise.
///
/// libm's `expf` is an opaque call per element (about 8 ns here); these are branch-free
/// polynomials (Cephes' `expf` and `tanhf`, S. L. Moshier, "Methods and Programs for
/// Mathematical Functions", 1989) that compile to SIMD code inside a loop. `Float` uses them
/// (within 2.5 ulp of double-precision libm, checked by `KernelMathTests`); `Double` keeps libm, so
/// gradient checks in double precision stay exact. NaN propagates through all three.
public protocol KernelMath {
    /// eˣ. `Float` clamps x to [−87.34, 88]: about 1.2e-38 below, 1.65e38 above (libm gives
    /// 0 and ∞ there), which leaves `kernelSigmoid` and `kernelTanh` exact to the last bit.
    static func kernelExp(_ x: Self) -> Self
    /// `1 / (1 + e⁻ˣ)`.
    static func kernelSigmoid(_ x: Self) -> Self
    /// tanh(x).
    static func kernelTanh(_ x: Self) -> Self
}

extension Double: KernelMath {
    @inlinable @inline(__always)
    public static func kernelExp(_ x: Double) -> Double { .exp(x) }

    @inlinable @inline(__always)
    public static func kernelSigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + .exp(-x)) }
        let e = Double.exp(x)
        return e / (1 + e)
    }

    @inlinable @inline(__always)
    public static func kernelTanh(_ x: Double) -> Double { .tanh(x) }
}

extension Float: KernelMath {
    /// Cephes `expf`: x = n·ln2 + r with |r| ≤ ln2/2, eʳ by a degree-6 polynomial, 2ⁿ built in
    /// the exponent bits. Rounding to n uses the 1.5·2²³ trick, so no float→int conversion
    /// can trap on NaN.
    @inlinable @inline(__always)
    public static func kernelExp(_ x: Float) -> Float {
        let clamped = x > 88 ? 88 : (x < -87.3365447505531 ? -87.3365447505531 : x)
        let shifter: Float = 12582912  // 1.5 · 2²³: adding it rounds to an integer in the low bits
        let shifted = clamped * 1.44269504088896341 + shifter
        let n = shifted - shifter
        var r = clamped - n * 0.693359375
        r = r + n * 2.12194440e-4
        let r2 = r * r
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let er = p * r2 + r + 1
        // 2ⁿ: the low mantissa bits of `shifted` hold n (two's complement), shifted into the exponent.
        let scale = Float(bitPattern: (shifted.bitPattern &+ (127 &- 0x4B40_0000)) &<< 23)
        return er * scale
    }

    @inlinable @inline(__always)
    public static func kernelSigmoid(_ x: Float) -> Float { 1 / (1 + kernelExp(-x)) }

    /// Cephes `tanhf`: an odd polynomial below |x| = 0.625, `1 − 2/(e²ˣ + 1)` above; both
    /// computed and one selected, so the loop stays branch-free.
    @inlinable @inline(__always)
    public static func kernelTanh(_ x: Float) -> Float {
        let a = Swift.abs(x)
        let s = x * x
        var p: Float = -5.70498872745e-3
        p = p * s + 2.06390887954e-2
        p = p * s - 5.37397155531e-2
        p = p * s + 1.33314422036e-1
        p = p * s - 3.33332819422e-1
        let small = p * s * x + x
        let large = 1 - 2 / (kernelExp(2 * a) + 1)
        return a < 0.625 ? small : Float(signOf: x, magnitudeOf: large)
    }
}
