import Autodiff
import Layers
import TensorCore

/// The per-layer numbers of a `LayerRecord`, computed from one step's output, gradient and weights.
enum LayerStatistics {
    @_specialize(where Scalar == Float)
    static func record<Scalar: TensorScalar>(
        path: String, module: Module<Scalar>, output: LayerTap<Scalar>.Record, weights: [Variable<Scalar>],
        previous: [ObjectIdentifier: Tensor<Scalar>], histogramBins: Int?
    ) -> LayerRecord {
        let (mean, std, nonFinite) = moments(output.activation)
        var r = LayerRecord(path: path, kind: module.summary, activationMean: mean, activationStd: std)
        r.nonFiniteCount = nonFinite
        r.outputGradNorm = output.gradient?.l2Norm()
        if let activation = (module as? ActivationLayer<Scalar>)?.function {
            switch activation {
            case .sigmoid:
                r.saturatedFraction = fraction(output.activation) { $0 < 0.0025 || $0 > 0.9975 }
                r.meanDerivative = average(output.activation) { $0 * (1 - $0) }
            case .tanh:
                r.saturatedFraction = fraction(output.activation) { Swift.abs($0) > 0.995 }
                r.meanDerivative = average(output.activation) { 1 - $0 * $0 }
            case .relu:
                r.deadFraction = deadUnits(output.activation)
                r.meanDerivative = fraction(output.activation) { $0 > 0 }
            default: break
            }
        }
        if !weights.isEmpty {
            r.weightNorm = combined(weights.map { $0.value.l2Norm() })
            let grads = weights.compactMap(\.grad)
            if !grads.isEmpty { r.gradNorm = combined(grads.map { $0.l2Norm() }) }
            let updates = weights.compactMap { w in previous[ObjectIdentifier(w)].map { (w.value - $0).l2Norm() } }
            if updates.count == weights.count {
                r.updateNorm = combined(updates)
                r.updateRatio = r.weightNorm! > 0 ? r.updateNorm! / r.weightNorm! : nil
            }
            r.nonFiniteCount += weights.reduce(0) { $0 + nonFiniteCount($1.value) + ($1.grad.map(nonFiniteCount) ?? 0) }
        }
        if let linear = module as? Linear<Scalar> { r.identicalUnitFraction = identicalRows(linear.weight.value) }
        if let recurrent = module as? RecurrentLayer<Scalar>, !recurrent.hiddenGradientNorms.isEmpty {
            r.hiddenGradNorms = recurrent.hiddenGradientNorms
        }
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

    /// Mean and population standard deviation of the finite values, and the count of the others.
    @_specialize(where Scalar == Float)
    static func moments<Scalar: TensorScalar>(_ t: Tensor<Scalar>) -> (Double, Double, Int) {
        t.withUnsafeBufferPointer { p in
            var sum = 0.0, squares = 0.0, n = 0
            for x in p where x.isFinite {
                let d = Double(x)
                sum += d
                squares += d * d
                n += 1
            }
            guard n > 0 else { return (.nan, .nan, p.count) }
            let mean = sum / Double(n)
            return (mean, Swift.max(0, squares / Double(n) - mean * mean).squareRoot(), p.count - n)
        }
    }

    @_specialize(where Scalar == Float)
    static func nonFiniteCount<Scalar: TensorScalar>(_ t: Tensor<Scalar>) -> Int {
        t.withUnsafeBufferPointer { p in p.reduce(0) { $0 + ($1.isFinite ? 0 : 1) } }
    }

    @_specialize(where Scalar == Float)
    static func fraction<Scalar: TensorScalar>(_ t: Tensor<Scalar>, _ predicate: (Scalar) -> Bool) -> Double {
        t.withUnsafeBufferPointer { p in Double(p.reduce(0) { $0 + (predicate($1) ? 1 : 0) }) / Double(Swift.max(p.count, 1)) }
    }

    @_specialize(where Scalar == Float)
    static func average<Scalar: TensorScalar>(_ t: Tensor<Scalar>, _ f: (Scalar) -> Scalar) -> Double {
        t.withUnsafeBufferPointer { p in p.reduce(0.0) { $0 + Double(f($1)) } / Double(Swift.max(p.count, 1)) }
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
            for i in 0..<p.count where p[i] != 0 { alive[i % units] = true }
        }
        return Double(alive.filter { !$0 }.count) / Double(units)
    }
}
