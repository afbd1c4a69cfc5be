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
    ///
    /// With a `group` (axis 0 only), the statistics are those of the global batch of every
    /// process's rows (SyncBatchNorm): the forward pass sums Σx and Σx² per column over the
    /// processes, the backward pass Σg and Σg·x̂, each weighted by the process's `batchShare`,
    /// since each process back-propagates the mean loss of its own rows. Every process must call
    /// it, forward and backward, at the same point.
    @inlinable
    public func normalized(
        alongAxis axis: Int, epsilon: Double, across group: (any ProcessGroup)? = nil
    ) -> (Variable, NormalizationStatistics<Scalar>) {
        precondition(shape.count == 2 && (axis == 0 || axis == 1), "normalized: needs a 2-D value and axis 0 or 1, got \(shape), \(axis)")
        precondition(group == nil || axis == 0, "normalized: a process group normalises over the batch, axis 0")
        let (rows, cols) = (shape[0], shape[1])
        // Group g's k-th element sits at g·groupStride + k·elementStride.
        let (groups, n, groupStride, elementStride) = axis == 0 ? (cols, rows, 1, cols) : (rows, cols, cols, 1)
        let eps = Scalar(epsilon)
        var means = [Scalar](repeating: 0, count: groups), variances = means, inverseStd = means
        var count = n
        if let group {
            // Σx and Σx² per column in Double, summed over the processes with the row counts.
            var sums = [Double](repeating: 0, count: 2 * groups + 1)
            value.withUnsafeBufferPointer { x in
                for k in 0..<n {
                    for g in 0..<groups {
                        let v = Double(x[g * groupStride + k * elementStride])
                        sums[g] += v
                        sums[groups + g] += v * v
                    }
                }
            }
            sums[2 * groups] = Double(n)
            group.sum(&sums)
            count = Int(sums[2 * groups].rounded())
            for g in 0..<groups {
                let mean = sums[g] / Double(count)
                means[g] = Scalar(mean)
                variances[g] = Scalar(Swift.max(0, sums[groups + g] / Double(count) - mean * mean))
                inverseStd[g] = 1 / (variances[g] + eps).squareRoot()
            }
        }
        let xhat = value.withUnsafeBufferPointer { x in
            Tensor<Scalar>(shape: shape) { out in
                for g in 0..<groups {
                    let base = g * groupStride
                    if group == nil {
                        var sum: Scalar = 0
                        for k in 0..<n { sum += x[base + k * elementStride] }
                        let mean = sum / Scalar(n)
                        var squares: Scalar = 0
                        for k in 0..<n { let d = x[base + k * elementStride] - mean; squares += d * d }
                        let variance = squares / Scalar(n)
                        means[g] = mean; variances[g] = variance; inverseStd[g] = 1 / (variance + eps).squareRoot()
                    }
                    let (mean, inv) = (means[g], inverseStd[g])
                    for k in 0..<n { out[base + k * elementStride] = (x[base + k * elementStride] - mean) * inv }
                }
            }
        }
        let result = Variable.operation(xhat, inputs: [self]) { [inverseStd] grad in
            // Σg and Σg·x̂ per group: this process's own, or the global batch's in this process's scale.
            var sumG = [Scalar](repeating: 0, count: groups), sumGX = sumG
            grad.withUnsafeBufferPointer { gp in
                xhat.withUnsafeBufferPointer { xh in
                    for g in 0..<groups {
                        let base = g * groupStride
                        var a: Scalar = 0, b: Scalar = 0
                        for k in 0..<n {
                            let i = base + k * elementStride
                            a += gp[i]; b += gp[i] * xh[i]
                        }
                        sumG[g] = a; sumGX[g] = b
                    }
                }
            }
            if let group {
                let share = group.batchShare
                var sums = (sumG + sumGX).map { Double($0) * share }
                group.sum(&sums)
                for g in 0..<groups { (sumG[g], sumGX[g]) = (Scalar(sums[g] / share), Scalar(sums[groups + g] / share)) }
            }
            return [grad.withUnsafeBufferPointer { gp in
                xhat.withUnsafeBufferPointer { xh in
                    Tensor<Scalar>(shape: xhat.shape) { out in
                        for g in 0..<groups {
                            let base = g * groupStride
                            let meanG = sumG[g] / Scalar(count), meanGX = sumGX[g] / Scalar(count)
                            for k in 0..<n {
                                let i = base + k * elementStride
                                out[i] = inverseStd[g] * (gp[i] - meanG - xh[i] * meanGX)
                            }
                        }
                    }
                }
            }]
        }
        return (result, NormalizationStatistics(mean: means, variance: variances, count: count))
    }
}
