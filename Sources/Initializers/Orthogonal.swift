import TensorCore

extension Initializer {
    /// PyTorch's `orthogonal_`: rows = shape[0], cols = the rest; QR of a tall N(0, 1) matrix
    /// (transposed when rows < cols) with R's diagonal made positive, times `gain`.
    /// Q comes from modified Gram–Schmidt applied twice in Double ("twice is enough",
    /// Giraud et al. 2005), which yields exactly that sign-fixed Q.
    static func orthogonal<Scalar: TensorScalar>(
        shape: [Int], gain: Double, using rng: inout RandomGenerator
    ) -> Tensor<Scalar> {
        precondition(shape.count >= 2, "orthogonal: needs at least 2 dimensions, got \(shape)")
        let rows = shape[0], cols = Tensor<Scalar>.elementCount(shape) / Swift.max(shape[0], 1)
        let (m, n) = rows < cols ? (cols, rows) : (rows, cols)
        // Column j of the tall m×n matrix is columns[j].
        var columns = (0..<n).map { _ in (0..<m).map { _ in rng.normal() } }
        for j in 0..<n {
            for _ in 0..<2 {
                for i in 0..<j {
                    var dot = 0.0
                    for r in 0..<m { dot += columns[i][r] * columns[j][r] }
                    for r in 0..<m { columns[j][r] -= dot * columns[i][r] }
                }
            }
            let norm = columns[j].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for r in 0..<m { columns[j][r] /= norm }
        }
        var scalars = [Scalar](repeating: 0, count: rows * cols)
        for j in 0..<n {
            for r in 0..<m {
                // Tall case: element (r, j); wide case: the transpose, element (j, r).
                let index = rows < cols ? j * cols + r : r * cols + j
                scalars[index] = Scalar(gain * columns[j][r])
            }
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
