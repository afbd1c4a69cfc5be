import TensorCore

/// Broadcasting arithmetic; each operand's gradient is summed back to its own shape.
extension Variable {
    @inlinable
    public static func + (a: Variable, b: Variable) -> Variable {
        let (sa, sb) = (a.shape, b.shape)
        return operation(a.value + b.value, inputs: [a, b]) { g in [g.sum(toShape: sa), g.sum(toShape: sb)] }
    }

    @inlinable
    public static func - (a: Variable, b: Variable) -> Variable {
        let (sa, sb) = (a.shape, b.shape)
        return operation(a.value - b.value, inputs: [a, b]) { g in [g.sum(toShape: sa), (-g).sum(toShape: sb)] }
    }

    @inlinable
    public static func * (a: Variable, b: Variable) -> Variable {
        let (x, y) = (a.value, b.value)
        return operation(x * y, inputs: [a, b]) { g in [(g * y).sum(toShape: x.shape), (g * x).sum(toShape: y.shape)] }
    }

    @inlinable
    public static func / (a: Variable, b: Variable) -> Variable {
        let (x, y) = (a.value, b.value)
        return operation(x / y, inputs: [a, b]) { g in
            [(g / y).sum(toShape: x.shape), (-g * x / (y * y)).sum(toShape: y.shape)]
        }
    }

    @inlinable public static func + (a: Variable, s: Scalar) -> Variable { operation(a.value + s, inputs: [a]) { [$0] } }
    @inlinable public static func - (a: Variable, s: Scalar) -> Variable { operation(a.value - s, inputs: [a]) { [$0] } }
    @inlinable public static func * (a: Variable, s: Scalar) -> Variable { operation(a.value * s, inputs: [a]) { [$0 * s] } }
    @inlinable public static func / (a: Variable, s: Scalar) -> Variable { operation(a.value / s, inputs: [a]) { [$0 / s] } }
    @inlinable public static func + (s: Scalar, a: Variable) -> Variable { a + s }
    @inlinable public static func * (s: Scalar, a: Variable) -> Variable { a * s }
    @inlinable public static func - (s: Scalar, a: Variable) -> Variable { operation(s - a.value, inputs: [a]) { [-$0] } }
    @inlinable public static prefix func - (a: Variable) -> Variable { operation(-a.value, inputs: [a]) { [-$0] } }

    /// `op(a) · op(b)` for 2-D values (transposes go to BLAS, not copies).
    @inlinable
    public static func matmul(
        _ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false
    ) -> Variable {
        let (x, y) = (a.value, b.value)
        let out = Tensor.matmul(x, y, transposeA: transposeA, transposeB: transposeB)
        return operation(out, inputs: [a, b]) { g in
            // C = op(A)·op(B): dA = g·op(B)ᵀ (transposed back if A was), dB = op(A)ᵀ·g likewise.
            let da = transposeA
                ? Tensor.matmul(y, g, transposeA: transposeB, transposeB: true)
                : Tensor.matmul(g, y, transposeA: false, transposeB: !transposeB)
            let db = transposeB
                ? Tensor.matmul(g, x, transposeA: true, transposeB: transposeA)
                : Tensor.matmul(x, g, transposeA: !transposeA, transposeB: false)
            return [da, db]
        }
    }

    /// `self · other` for 2-D values.
    @inlinable
    public func matmul(_ other: Variable) -> Variable { Variable.matmul(self, other) }

    /// `x · Wᵀ + b` (PyTorch's `F.linear`; weight `[out, in]`, bias `[out]`), fused: one GEMM
    /// forward, two backward, and a column sum for the bias.
    @inlinable
    public static func linear(_ x: Variable, weight: Variable, bias: Variable?) -> Variable {
        let (input, w) = (x.value, weight.value)
        if let b = bias {
            precondition(
                b.shape == [w.shape[0]],
                ShapeError(operation: "linear", shapes: [w.shape, b.shape], reason: "bias must be [out]").description)
        }
        let out = Tensor.matmul(input, w, transposeB: true, rowBias: bias?.value)
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        let hasBias = bias != nil, needsInputGrad = x.requiresGrad
        return operation(out, inputs: inputs) { g in
            let dx = needsInputGrad ? Tensor.matmul(g, w) : nil
            let dw = Tensor.matmul(g, input, transposeA: true)
            return hasBias ? [dx, dw, g.sum(toShape: [w.shape[0]])] : [dx, dw]
        }
    }
}
