import Autodiff
import Layers
import Optimizers
import TensorCore

/// The per-layer numbers of a `LayerRecord`, computed from one step's output, gradient and weights.
enum LayerStatistics {
    @_specialize(where Scalar == Float)
    static func record<Scalar: TensorScalar>(
        path: String, kind: String, module: Module<Scalar>, output: LayerTap<Scalar>.Record, weights: [Variable<Scalar>],
        previous: [ObjectIdentifier: Tensor<Scalar>], measure: Optimizer<Scalar>.StepMeasure? = nil, histogramBins: Int?,
        checksUnits: Bool = true
    ) -> LayerRecord {
        // The tap's summaries were taken while the data was in cache; without them, one pass each here.
        let summary = output.summary
        let (sum, squares, finite) = summary.map { ($0.sum, $0.sumOfSquares, $0.finite) } ?? output.activation.finiteStatistics()
        let (mean, std, nonFinite) = moments(sum: sum, squares: squares, finite: finite, count: output.activation.count)
        var r = LayerRecord(path: path, kind: kind, activationMean: mean, activationStd: std)
        r.nonFiniteCount = nonFinite
        r.outputGradNorm = output.gradientSquares.map { $0.squareRoot() } ?? output.gradient?.l2Norm()
        if let activation = module.observedActivation,
           let (derivative, flagged) = summary.map({ $0.derivative }) ?? output.activation.outputDerivativeStatistics(activation) {
            r.meanDerivative = derivative
            if module.isElementwiseActivation {
                if activation == .relu { r.deadFraction = deadUnits(output.activation) } else { r.saturatedFraction = flagged }
            }
        }
        if let measure, (measure.weightSquares + measure.gradientSquares + measure.updateSquares).isFinite {
            // The optimizer measured this step as it made it: nothing non-finite, no extra pass.
            let weightNorm = measure.weightSquares.squareRoot()
            r.weightNorm = weightNorm
            r.gradNorm = measure.gradientSquares.squareRoot()
            r.updateNorm = measure.updateSquares.squareRoot()
            r.updateRatio = weightNorm > 0 ? r.updateNorm! / weightNorm : nil
        } else if !weights.isEmpty {
            let (weightNorm, weightNonFinite) = normAndNonFinite(weights.map(\.value))
            r.weightNorm = weightNorm
            r.nonFiniteCount += weightNonFinite
            let grads = weights.compactMap(\.grad)
            if !grads.isEmpty {
                let (gradNorm, gradNonFinite) = normAndNonFinite(grads)
                r.gradNorm = gradNorm
                r.nonFiniteCount += gradNonFinite
            }
            let updates = weights.compactMap { w in previous[ObjectIdentifier(w)].map { w.value.distance(to: $0) } }
            if let measure {  // measured, but something was not finite: the update as the optimizer saw it
                r.updateNorm = measure.updateSquares.squareRoot()
                r.updateRatio = weightNorm > 0 ? r.updateNorm! / weightNorm : nil
            } else if updates.count == weights.count {
                r.updateNorm = combined(updates)
                r.updateRatio = weightNorm > 0 ? r.updateNorm! / weightNorm : nil
            }
        }
        if checksUnits, let units = module.unitWeights { r.identicalUnitFraction = identicalRows(units.value) }
        r.hiddenGradNorms = module.timeStepGradientNorms
        r.gates = module.gateSummaries
        if let bins = histogramBins {
            let grads = weights.compactMap(\.grad)
            r.histograms = LayerHistograms(
                weights: weights.isEmpty ? nil : Histogram(combining: weights.map(\.value), bins: bins),
                gradients: grads.isEmpty ? nil : Histogram(combining: grads, bins: bins),
                activations: Histogram(output.activation, bins: bins))
        }
        return r
    }

    static func combined(_ norms: [Double]) -> Double { norms.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// The L2 norm over `tensors` and their NaN/±∞ count, in one pass each; with a non-finite
    /// value the norm is what `l2Norm` gives (NaN or ∞), so it never hides one.
    @_specialize(where Scalar == Float)
    static func normAndNonFinite<Scalar: TensorScalar>(_ tensors: [Tensor<Scalar>]) -> (Double, Int) {
        var squares = 0.0, nonFinite = 0
        for t in tensors {
            let s = t.finiteStatistics()
            nonFinite += t.count - s.finite
            if s.finite == t.count {
                squares += s.sumOfSquares
            } else {
                let norm = t.l2Norm()  // NaN or ∞, which the sum must carry
                squares += norm * norm
            }
        }
        return (squares.squareRoot(), nonFinite)
    }

    /// Mean and population standard deviation of the `finite` values of `count` whose sum and
    /// sum of squares are given, and the count of the others.
    static func moments(sum: Double, squares: Double, finite n: Int, count: Int) -> (Double, Double, Int) {
        guard n > 0 else { return (.nan, .nan, count) }
        let mean = sum / Double(n)
        return (mean, Swift.max(0, squares / Double(n) - mean * mean).squareRoot(), count - n)
    }

    /// The fraction of rows 1… of `w` (`[units, inputs]`) equal to row 0 within 1e-5 of its
    /// largest magnitude; nil for fewer than two rows.
    @_specialize(where Scalar == Float)
    static func identicalRows<Scalar: TensorScalar>(_ w: Tensor<Scalar>) -> Double? {
        guard w.rank == 2, w.shape[0] >= 2 else { return nil }
        let rows = w.shape[0], width = w.shape[1]
        return w.withUnsafeBufferPointer { p in
            let first = p.baseAddress!
            var largest: Scalar = 0
            for j in 0..<width { largest = Swift.max(largest, Swift.abs(first[j])) }
            let tolerance = largest * Scalar(1e-5)
            var same = 0
            for r in 1..<rows {
                let row = first + r * width
                var equal = true
                for j in 0..<width where Swift.abs(row[j] - first[j]) > tolerance {
                    equal = false
                    break
                }
                if equal { same += 1 }
            }
            return Double(same) / Double(rows - 1)
        }
    }

    /// The fraction of units (last dimension) that are 0 for every sample.
    @_specialize(where Scalar == Float)
    static func deadUnits<Scalar: TensorScalar>(_ t: Tensor<Scalar>) -> Double {
        guard let units = t.shape.last, units > 0 else { return 0 }
        var alive = [Bool](repeating: false, count: units)
        t.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            alive.withUnsafeMutableBufferPointer { alive in
                for r in 0..<(p.count / units) {
                    let row = base + r * units
                    for j in 0..<units where row[j] != 0 { alive[j] = true }
                }
            }
        }
        return Double(alive.filter { !$0 }.count) / Double(units)
    }
}
