/// Transposition, permutation, slicing and concatenation (each returns a new contiguous tensor).
extension Tensor {
    /// The dimensions reordered: result dimension `i` is this tensor's dimension `axes[i]`.
    @inlinable
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(
            axes.count == rank && Set(axes) == Set(0..<rank),
            "permute: \(axes) is not a permutation of the \(rank) axes of shape \(shape)")
        let outShape = axes.map { shape[$0] }
        var sourceStrides = [Int](repeating: 0, count: rank)
        var step = 1
        for d in stride(from: rank - 1, through: 0, by: -1) { sourceStrides[d] = step; step *= shape[d] }
        let strides = axes.map { sourceStrides[$0] }
        return withUnsafeBufferPointer { src in
            Tensor(shape: outShape) { out in
                Tensor.forEachOffset(shape: outShape, strides, strides) { i, s, _ in out[i] = src[s] }
            }
        }
    }

    /// The last two dimensions swapped (a matrix transpose for 2-D tensors).
    @inlinable
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transpose: needs at least 2 dimensions, got shape \(shape)")
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }

    /// Sizes of the blocks around `axis`: (product before, extent, product after).
    @inlinable
    func blocks(around axis: Int) -> (outer: Int, extent: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// The elements with index in `range` along `axis` (negative axes count from the end).
    @inlinable
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = normalizedAxes([axis], operation: "slice")[0]
        precondition(
            range.lowerBound >= 0 && range.upperBound <= shape[a],
            "slice: range \(range) out of bounds for axis \(axis) of shape \(shape)")
        let (outer, extent, inner) = blocks(around: a)
        var outShape = shape
        outShape[a] = range.count
        let width = range.count * inner
        return withUnsafeBufferPointer { src in
            Tensor(shape: outShape) { out in
                for o in 0..<outer {
                    let from = (o * extent + range.lowerBound) * inner
                    for j in 0..<width { out[o * width + j] = src[from + j] }
                }
            }
        }
    }

    /// The tensors joined along `axis`; all other dimensions must agree.
    @inlinable
    public static func concatenate(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenate: no tensors given")
        let first = parts[0]
        let a = first.normalizedAxes([axis], operation: "concatenate")[0]
        for p in parts where p.rank != first.rank
            || p.shape.enumerated().contains(where: { $0.offset != a && $0.element != first.shape[$0.offset] }) {
            preconditionFailure(ShapeError(
                operation: "concatenate", shapes: [first.shape, p.shape],
                reason: "all dimensions but axis \(axis) must agree").description)
        }
        var outShape = first.shape
        outShape[a] = parts.reduce(0) { $0 + $1.shape[a] }
        let (outer, _, inner) = first.blocks(around: a)
        let outWidth = outShape[a] * inner
        var result = Tensor(zeros: outShape)
        result.withUnsafeMutableBufferPointer { out in
            var start = 0
            for p in parts {
                let width = p.shape[a] * inner
                p.withUnsafeBufferPointer { src in
                    for o in 0..<outer {
                        for j in 0..<width { out[o * outWidth + start + j] = src[o * width + j] }
                    }
                }
                start += width
            }
        }
        return result
    }
}
