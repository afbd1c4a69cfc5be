import CKernels

extension Tensor {
    /// From the outputs `y` of a sigmoid, tanh or ReLU (nil for other activations), in one pass:
    /// the mean derivative σ′ read from y (sigmoid y(1 − y) ≤ 0.25, tanh 1 − y² ≤ 1, ReLU 1 where
    /// y > 0), and the fraction of outputs flagged — saturated for sigmoid (y < 0.0025 or
    /// y > 0.9975, σ′ below 1 % of its maximum) and tanh (|y| > 0.995), active (y > 0) for ReLU.
    @inlinable
    public func outputDerivativeStatistics(_ activation: Activation) -> (meanDerivative: Double, flaggedFraction: Double)? {
        guard let kind = Self.statisticsKind(activation) else { return nil }
        guard count > 0 else { return (0, 0) }
        return withUnsafeBufferPointer { p in
            var flagged = 0
            let derivative: Double
            if Scalar.self == Float.self {
                derivative = p.withMemoryRebound(to: Float.self) { gg_activation_stats_f32($0.baseAddress!, $0.count, kind, &flagged) }
            } else {
                var sum = 0.0
                for v in p {
                    switch kind {
                    case 0:
                        flagged += v < 0.0025 || v > 0.9975 ? 1 : 0
                        sum += Double(v * (1 - v))
                    case 1:
                        flagged += Swift.abs(v) > 0.995 ? 1 : 0
                        sum += Double(1 - v * v)
                    default:
                        flagged += v > 0 ? 1 : 0
                    }
                }
                derivative = kind == 2 ? Double(flagged) : sum
            }
            return (derivative / Double(p.count), Double(flagged) / Double(p.count))
        }
    }

    /// `finiteStatistics()` and, for the outputs of a sigmoid, tanh or ReLU (`activation`),
    /// `outputDerivativeStatistics(activation)`, from one pass over a Float tensor (two otherwise).
    @inlinable
    public func outputSummary(_ activation: Activation?) -> ActivationSummary {
        let kind = activation.flatMap(Self.statisticsKind)
        guard Scalar.self == Float.self, count > 0 else {
            let (sum, squares, finite) = finiteStatistics()
            return ActivationSummary(sum: sum, sumOfSquares: squares, finite: finite,
                                     derivative: activation.flatMap { outputDerivativeStatistics($0) })
        }
        var summary = gg_summary()
        withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: Float.self) { gg_summary_f32($0.baseAddress!, $0.count, kind ?? -1, &summary) }
        }
        return ActivationSummary(summary, count: count, hasDerivative: kind != nil)
    }

    /// The C kernels' code for an activation whose output statistics they take, or nil.
    @usableFromInline
    static func statisticsKind(_ activation: Activation) -> Int32? {
        switch activation {
        case .sigmoid: 0
        case .tanh: 1
        case .relu: 2
        default: nil
        }
    }
}

extension ActivationSummary {
    /// From the C kernels' summary of `count` elements.
    @usableFromInline
    init(_ s: gg_summary, count: Int, hasDerivative: Bool) {
        let n = Double(count)
        self.init(sum: s.sum, sumOfSquares: s.sum_squares, finite: s.finite,
                  derivative: hasDerivative ? (s.derivative / n, Double(s.flagged) / n) : nil)
    }
}
