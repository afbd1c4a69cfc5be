/// Where a data set holds NaN or ±∞: which file, how many values, the first rows and the columns.
/// A loader that finds them throws a `DataFormatError` carrying this, so `gradguard doctor` can
/// say what to fix in the data instead of only stopping.
public struct NonFiniteValues: Codable, Equatable, Sendable {
    /// The file (or data set) that holds the values.
    public var source: String
    /// How many values are NaN or ±∞ (counted in the training precision: a finite Double above
    /// Float's range becomes ∞ and counts).
    public var count: Int
    /// The first rows that hold one (at most 10): CSV line numbers (the header is line 1), or
    /// 0-based sample indices for other files.
    public var rows: [Int]
    /// The columns that hold one (at most 10): CSV column names, or 0-based feature indices.
    public var columns: [String]

    public init(source: String, count: Int, rows: [Int], columns: [String]) {
        self.source = source
        self.count = count
        self.rows = rows
        self.columns = columns
    }

    /// The non-finite values of `tensor` read as `[samples, features…]` (features flattened), or
    /// nil when every value is finite. `rowLabel` and `columnLabel` turn indices into the names
    /// the file uses.
    public static func scan<Scalar: TensorScalar>(
        _ tensor: Tensor<Scalar>, source: String, rowLabel: (Int) -> Int = { $0 }, columnLabel: (Int) -> String = { "\($0)" }
    ) -> NonFiniteValues? {
        guard !tensor.isFinite else { return nil }
        let samples = Swift.max(tensor.shape.first ?? 1, 1), width = tensor.count / samples
        var count = 0, rows: [Int] = [], columns: [Int] = []
        tensor.withUnsafeBufferPointer { values in
            for i in 0..<samples {
                var rowHit = false
                for j in 0..<width where !values[i * width + j].isFinite {
                    count += 1
                    rowHit = true
                    if columns.count < 10, !columns.contains(j) { columns.append(j) }
                }
                if rowHit, rows.count < 10 { rows.append(rowLabel(i)) }
            }
        }
        return NonFiniteValues(source: source, count: count, rows: rows, columns: columns.sorted().map(columnLabel))
    }

    /// "3 NaN/∞ values in x.npy (rows 4, 17; columns 2)".
    public var description: String {
        "\(count) NaN/∞ value\(count == 1 ? "" : "s") in \(source) (row\(rows.count == 1 ? "" : "s") "
            + rows.map(String.init).joined(separator: ", ") + (rows.count < count && rows.count == 10 ? ", …" : "")
            + "; column\(columns.count == 1 ? "" : "s") " + columns.joined(separator: ", ") + ")"
    }
}
