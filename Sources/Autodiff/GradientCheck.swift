import TensorCore

/// Finite-difference gradient checking in double precision.
///
/// A function of any output shape is reduced to the scalar `L = Σ f(x) ⊙ R` with a fixed random
/// `R`, so every output element matters. Each leaf element is perturbed by ±ε and the
/// central difference `(L(x+ε) − L(x−ε)) / 2ε` compared with the analytic gradient.
public enum GradientCheck {
    /// One leaf's result: the analytic and numeric gradients and their relative error
    /// `‖analytic − numeric‖ / max(‖analytic‖ + ‖numeric‖, 1e-30)`.
    public struct Result: Sendable {
        public let analytic: Tensor<Double>
        public let numeric: Tensor<Double>
        public var relativeError: Double {
            let diff = (analytic - numeric).l2Norm()
            return diff / Swift.max(analytic.l2Norm() + numeric.l2Norm(), 1e-30)
        }
    }

    /// Checks `∂f/∂leaf` for every leaf (each must require a gradient); `f` is re-evaluated
    /// for each perturbation and must read the leaves' current values. `epsilon` default 1e-6.
    public static func check(
        _ leaves: [Variable<Double>], epsilon: Double = 1e-6, seed: UInt64 = 17,
        _ f: () -> Variable<Double>
    ) -> [Result] {
        precondition(leaves.allSatisfy(\.requiresGrad), "GradientCheck: every leaf must require a gradient")
        var rng = RandomGenerator(seed: seed)
        let probe = f()
        let weights = Variable(Tensor<Double>.normal(shape: probe.shape, using: &rng))
        func objective() -> Variable<Double> { (f() * weights).sum() }
        leaves.forEach { $0.zeroGrad() }
        objective().backward()
        let analytic = leaves.map { $0.grad ?? Tensor(zeros: $0.shape) }
        return GradMode.withoutGrad {
            zip(leaves, analytic).map { leaf, grad in
                var numeric = Tensor<Double>(zeros: leaf.shape)
                for i in 0..<leaf.value.count {
                    let original = leaf.value.scalars[i]
                    leaf.value.withUnsafeMutableBufferPointer { $0[i] = original + epsilon }
                    let plus = objective().value.scalar
                    leaf.value.withUnsafeMutableBufferPointer { $0[i] = original - epsilon }
                    let minus = objective().value.scalar
                    leaf.value.withUnsafeMutableBufferPointer { $0[i] = original }
                    numeric.withUnsafeMutableBufferPointer { $0[i] = (plus - minus) / (2 * epsilon) }
                }
                return Result(analytic: grad, numeric: numeric)
            }
        }
    }
}
