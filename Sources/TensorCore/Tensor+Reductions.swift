/// Sums, means and maxima over all elements or chosen axes.
extension Tensor {
    /// The sum of all elements (accumulated in the scalar type).
    @inlinable
    public func sumAll() -> Scalar {
        withUnsafeBufferPointer { buffer in
            var total: Scalar = 0
            for x in buffer { total += x }
            return total
        }
    }

    /// The largest element (NaN if any element is NaN).
    @inlinable
    public func maxAll() -> Scalar {
        withUnsafeBufferPointer { buffer in
            var best = -Scalar.infinity
            for x in buffer {
                if x.isNaN { return x }
                if x > best { best = x }
            }
            return best
        }
    }

    /// The Euclidean (L2) norm of all elements, accumulated in Double.
    @inlinable
    public func l2Norm() -> Double { sumOfSquares().squareRoot() }

    /// Σ x² over all elements, accumulated in Double (0 for no elements).
    @inlinable
    public func sumOfSquares() -> Double {
        withUnsafeBufferPointer { buffer in buffer.isEmpty ? 0 : Scalar.sumOfSquares(buffer.baseAddress!, count: buffer.count) }
    }

    /// Sum and sum of squares of the finite elements, and their count, in one pass (the
    /// monitor's moments and NaN/∞ count).
    @inlinable
    public func finiteStatistics() -> (sum: Double, sumOfSquares: Double, finite: Int) {
        withUnsafeBufferPointer { buffer in
            buffer.isEmpty ? (0, 0, 0) : Scalar.finiteStatistics(buffer.baseAddress!, count: buffer.count)
        }
    }

    /// ‖self − other‖₂ without forming the difference (the shapes must match).
    @inlinable
    public func distance(to other: Tensor) -> Double {
        precondition(shape == other.shape, "Tensor.distance: shapes \(shape) and \(other.shape) differ")
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                a.isEmpty ? 0 : Scalar.squaredDistance(a.baseAddress!, b.baseAddress!, count: a.count).squareRoot()
            }
        }
    }

    /// Normalises possibly negative axes and checks them.
    @inlinable
    func normalizedAxes(_ axes: [Int], operation: String) -> [Int] {
        axes.map { axis in
            let a = axis < 0 ? axis + rank : axis
            precondition(a >= 0 && a < rank, "\(operation): axis \(axis) out of range for shape \(shape)")
            return a
        }
    }

    /// The sum over `axes` (negative axes count from the end); the reduced dimensions are
    /// kept as 1 when `keepingDims` is true and dropped otherwise.
    @inlinable
    public func sum(alongAxes axes: [Int], keepingDims: Bool = false) -> Tensor {
        let reduced = Set(normalizedAxes(axes, operation: "sum"))
        let kept = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        let result = sum(toShape: kept)
        if keepingDims { return result }
        return result.reshaped(shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element))
    }

    /// The mean over `axes`.
    @inlinable
    public func mean(alongAxes axes: [Int], keepingDims: Bool = false) -> Tensor {
        let n = normalizedAxes(axes, operation: "mean").reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes, keepingDims: keepingDims) / Scalar(n)
    }

    /// The mean of all elements.
    @inlinable
    public func meanAll() -> Scalar { sumAll() / Scalar(count) }

    /// The maximum along the last axis, keeping it as 1.
    @inlinable
    public func maxAlongLastAxis() -> Tensor {
        precondition(rank >= 1, "max: needs at least one dimension")
        let inner = shape[rank - 1]
        precondition(inner > 0, "max: empty last axis in shape \(shape)")
        var outShape = shape
        outShape[rank - 1] = 1
        return withUnsafeBufferPointer { src in
            Tensor(shape: outShape) { out in
                for row in 0..<out.count {
                    var best = src[row * inner]
                    for j in 1..<Swift.max(inner, 1) where src[row * inner + j] > best { best = src[row * inner + j] }
                    out[row] = best
                }
            }
        }
    }
}
