/// Counts of (true class, predicted class) pairs over a data set: row `i`, column `j` is the
/// number of samples of class `i` the model called `j` (scikit-learn's `confusion_matrix`).
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    /// `counts[trueClass][predictedClass]`, square.
    public private(set) var counts: [[Int]]

    /// An empty matrix over `classes` classes.
    public init(classes: Int) {
        precondition(classes > 0, "ConfusionMatrix: needs at least one class")
        counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    /// A matrix with these counts (square).
    public init(counts: [[Int]]) {
        precondition(!counts.isEmpty && counts.allSatisfy { $0.count == counts.count }, "ConfusionMatrix: counts must be square")
        self.counts = counts
    }

    public var classes: Int { counts.count }

    /// Adds one sample.
    public mutating func add(trueClass: Int, predicted: Int) {
        precondition(counts.indices.contains(trueClass) && counts.indices.contains(predicted),
                     "ConfusionMatrix: class \(trueClass) or \(predicted) outside 0..<\(classes)")
        counts[trueClass][predicted] += 1
    }

    /// Adds every count of `other` (same size).
    public mutating func merge(_ other: ConfusionMatrix) {
        precondition(other.classes == classes, "ConfusionMatrix: merging \(other.classes) classes into \(classes)")
        for i in 0..<classes { for j in 0..<classes { counts[i][j] += other.counts[i][j] } }
    }

    /// Samples counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// The share on the diagonal (nil when empty).
    public var accuracy: Double? {
        total > 0 ? Double((0..<classes).reduce(0) { $0 + counts[$1][$1] }) / Double(total) : nil
    }

    /// For each class, the share of its samples predicted as it (nil for a class with none).
    public var recall: [Double?] {
        counts.enumerated().map { i, row in
            let n = row.reduce(0, +)
            return n > 0 ? Double(row[i]) / Double(n) : nil
        }
    }

    /// For each class, the share of the predictions of it that were right (nil when never predicted).
    public var precision: [Double?] {
        (0..<classes).map { j in
            let n = counts.reduce(0) { $0 + $1[j] }
            return n > 0 ? Double(counts[j][j]) / Double(n) : nil
        }
    }

    /// The off-diagonal cell counted most often: (true class, predicted class, count), or nil
    /// when every prediction was right.
    public var commonestMistake: (trueClass: Int, predicted: Int, count: Int)? {
        var best: (Int, Int, Int)?
        for i in 0..<classes { for j in 0..<classes where i != j && counts[i][j] > (best?.2 ?? 0) { best = (i, j, counts[i][j]) } }
        return best
    }
}
