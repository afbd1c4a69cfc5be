import CKernels
import RealModule

/// Sigmoid, tanh and ReLU over whole arrays, for hot loops.
///
/// `Float` runs the C kernels of `CKernels`: Cephes' `expf`/`tanhf` polynomials (Moshier 1989)
/// vectorised for AVX-512 or AVX2 + FMA, picked at run time (`vectorISA`), within 2.5 ulp of
/// double-precision libm (checked by `KernelMathTests`); about 0.4 ns per element here against
/// 8 ns for a libm call per element. `Double` loops over libm, so gradient checks in double
/// precision stay exact. NaN propagates. `x` and `y` are the same buffer or do not overlap.
public protocol KernelMath {
    /// `y[i] = 1 / (1 + e^{−x[i]})` for `i < count`.
    static func vectorSigmoid(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int)
    /// `y[i] = tanh(x[i])` for `i < count`.
    static func vectorTanh(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int)
    /// `y[i] = x[i] < 0 ? 0 : x[i]` for `i < count` (`Activation.relu`'s rule: NaN and −0 pass).
    static func vectorReLU(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int)
}

extension Double: KernelMath {
    @inlinable
    public static func vectorSigmoid(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { y[i] = Activation.sigmoid.value(x[i]) }
    }

    @inlinable
    public static func vectorTanh(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { y[i] = .tanh(x[i]) }
    }

    @inlinable
    public static func vectorReLU(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { y[i] = Activation.relu.value(x[i]) }
    }
}

extension Float: KernelMath {
    @inlinable
    public static func vectorSigmoid(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        gg_sigmoid_f32(x, y, count)
    }

    @inlinable
    public static func vectorTanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        gg_tanh_f32(x, y, count)
    }

    @inlinable
    public static func vectorReLU(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        gg_relu_f32(x, y, count)
    }
}

/// The instruction set the `Float` kernels use on this CPU: `"avx512"`, `"avx2"` or `"baseline"`.
public var vectorISA: String { String(cString: gg_vector_isa()) }

/// The instruction-set levels the `Float` kernels can run at on this CPU, lowest first:
/// 0 baseline, 1 AVX2 + FMA, 2 AVX-512.
public var availableVectorISALevels: [Int] { Array(0...Int(gg_cpu_isa_level())) }

/// Runs `body` with every `Float` kernel limited to instruction-set `level` (see
/// `availableVectorISALevels`), then restores the CPU's own: lets tests cover each kernel
/// variant on one machine. Not for concurrent use.
public func withVectorISALevel<R>(_ level: Int, _ body: () throws -> R) rethrows -> R {
    gg_limit_isa_level(Int32(level))
    defer { gg_limit_isa_level(-1) }
    return try body()
}
