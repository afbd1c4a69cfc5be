import TensorCore

/// Shape changes: reshape, permute, slice, concatenate.
extension Variable {
    /// The same elements with another shape.
    @inlinable
    public func reshaped(_ newShape: [Int]) -> Variable {
        let s = shape
        return Variable.operation(value.reshaped(newShape), inputs: [self]) { g in [g.reshaped(s)] }
    }

    /// Dimensions reordered (`axes[i]` becomes dimension `i`).
    @inlinable
    public func permuted(_ axes: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: axes.count)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return Variable.operation(value.permuted(axes), inputs: [self]) { g in [g.permuted(inverse)] }
    }

    /// The last two dimensions swapped.
    @inlinable
    public func transposed() -> Variable {
        var axes = Array(0..<shape.count)
        precondition(axes.count >= 2, "transpose: needs at least 2 dimensions, got shape \(shape)")
        axes.swapAt(axes.count - 1, axes.count - 2)
        return permuted(axes)
    }

    /// The elements with index in `range` along `axis` (an LSTM gate out of the fused matmul).
    @inlinable
    public func slice(axis: Int, _ range: Range<Int>) -> Variable {
        let s = shape
        let a = axis < 0 ? axis + s.count : axis
        return Variable.operation(value.slice(axis: axis, range), inputs: [self]) { g in
            var parts: [Tensor<Scalar>] = []
            var before = s, after = s
            before[a] = range.lowerBound
            after[a] = s[a] - range.upperBound
            if before[a] > 0 { parts.append(Tensor(zeros: before)) }
            parts.append(g)
            if after[a] > 0 { parts.append(Tensor(zeros: after)) }
            return [Tensor.concatenate(parts, axis: a)]
        }
    }

    /// Values joined along `axis`.
    @inlinable
    public static func concatenate(_ parts: [Variable], axis: Int) -> Variable {
        let values = parts.map(\.value)
        let out = Tensor.concatenate(values, axis: axis)
        let a = axis < 0 ? axis + out.rank : axis
        let extents = values.map { $0.shape[a] }
        return operation(out, inputs: parts) { g in
            var start = 0
            return extents.map { e in
                defer { start += e }
                return g.slice(axis: a, start..<(start + e))
            }
        }
    }
}
