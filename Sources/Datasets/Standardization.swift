import TensorCore

/// Per-feature scaling `(x − mean) / std` with statistics from one data set (the training
/// split), applied to others; the feature is the last dimension (so sequences `[n, T, F]` are
/// scaled per F). A constant feature (std 0) is only centred.
public struct Standardization: Sendable, Equatable {
    public let mean: [Double]
    public let std: [Double]

    /// The statistics of `inputs`' last dimension.
    public init<Scalar: TensorScalar>(fittedTo inputs: Tensor<Scalar>) {
        let width = inputs.shape.last ?? 1, rows = inputs.count / Swift.max(width, 1)
        var sum = [Double](repeating: 0, count: width), square = sum
        inputs.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                let row = p.baseAddress! + r * width
                for j in 0..<width {
                    let v = Double(row[j])
                    sum[j] += v
                    square[j] += v * v
                }
            }
        }
        let n = Double(Swift.max(rows, 1))
        mean = sum.map { $0 / n }
        std = zip(square, mean).map { s, m in Swift.max(s / n - m * m, 0).squareRoot() }
    }

    /// `data` with its inputs scaled.
    public func apply<Scalar: TensorScalar>(to data: InMemoryDataset<Scalar>) -> InMemoryDataset<Scalar> {
        let width = mean.count
        precondition(data.inputs.shape.last == width, "Standardization: fitted to \(width) features, got \(data.inputs.shape)")
        let scaled = data.inputs.withUnsafeBufferPointer { src in
            Tensor<Scalar>(shape: data.inputs.shape) { out in
                for r in 0..<(data.inputs.count / Swift.max(width, 1)) {
                    let from = src.baseAddress! + r * width, to = out.baseAddress! + r * width
                    for j in 0..<width {
                        let scale = std[j] > 0 ? std[j] : 1
                        to[j] = Scalar((Double(from[j]) - mean[j]) / scale)
                    }
                }
            }
        }
        return InMemoryDataset(inputs: scaled, targets: data.targets, shuffles: data.shuffles)
    }
}
