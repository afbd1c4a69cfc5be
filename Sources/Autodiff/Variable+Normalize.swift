import TensorCore

/// The statistics a normalisation used, per group.
public struct NormalizationStatistics<Scalar: TensorScalar> {
    /// Mean per group.
    public let mean: [Scalar]
    /// Biased variance per group (divided by n).
    public let variance: [Scalar]
    /// Elements per group (n).
    public let count: Int

    public init(mean: [Scalar], variance: [Scalar], count: Int) {
        self.mean = mean
        self.variance = variance
        self.count = count
    }
}

extension Variable {
    /// `(x − mean) / √(var + eps)` of a 2-D value, the statistics taken over `axis`: axis 0
    /// normalises each column over the batch (BatchNorm), axis 1 each row over its features
    /// (LayerNorm). One fused op; its gradient is the closed form
    /// `∂x = (1/√(var+eps)) · (g − mean(g) − x̂ · mean(g·x̂))` over the same axis
    /// (Ioffe & Szegedy 2015).
    @inlinable
    public func normalized(alongAxis axis: Int, epsilon: Double) -> (Variable, NormalizationStatistics<Scalar>) {
        precondition(shape.count == 2 && (axis == 0 || axis == 1), "normalized: needs a 2-D value and axis 0 or 1, got \(shape), \(axis)")
        let (rows, cols) = (shape[0], shape[1])
        // Group g's k-th element sits at g·groupStride + k·elementStride.
        let (groups, n, groupStride, elementStride) = axis == 0 ? (cols, rows, 1, cols) : (rows, cols, cols, 1)
        let eps = Scalar(epsilon)
        var means = [Scalar](repeating: 0, count: groups), variances = means, inverseStd = means
        let xhat = value.withUnsafeBufferPointer { x in
            Tensor<Scalar>(shape: shape) { out in
                for g in 0..<groups {
                    let base = g * groupStride
                    var sum: Scalar = 0
                    for k in 0..<n { sum += x[base + k * elementStride] }
                    let mean = sum / Scalar(n)
                    var squares: Scalar = 0
                    for k in 0..<n { let d = x[base + k * elementStride] - mean; squares += d * d }
                    let variance = squares / Scalar(n)
                    let inv = 1 / (variance + eps).squareRoot()
                    for k in 0..<n { out[base + k * elementStride] = (x[base + k * elementStride] - mean) * inv }
                    means[g] = mean; variances[g] = variance; inverseStd[g] = inv
                }
            }
        }
        let result = Variable.operation(xhat, inputs: [self]) { grad in
            [grad.withUnsafeBufferPointer { gp in
                xhat.withUnsafeBufferPointer { xh in
                    Tensor<Scalar>(shape: xhat.shape) { out in
                        for g in 0..<groups {
                            let base = g * groupStride
                            var sumG: Scalar = 0, sumGX: Scalar = 0
                            for k in 0..<n {
                                let i = base + k * elementStride
                                sumG += gp[i]; sumGX += gp[i] * xh[i]
                            }
                            let meanG = sumG / Scalar(n), meanGX = sumGX / Scalar(n)
                            for k in 0..<n {
                                let i = base + k * elementStride
                                out[i] = inverseStd[g] * (gp[i] - meanG - xh[i] * meanGX)
                            }
                        }
                    }
                }
            }]
        }
        return (result, NormalizationStatistics(mean: means, variance: variances, count: n))
    }
}
