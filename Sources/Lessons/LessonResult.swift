/// What a lesson found: the question it answers, a table, figures and every number behind
/// them, and its conclusion in one sentence stated from those numbers. Encodes to the lesson's
/// JSON document (`LessonDocument`) and renders as its HTML page (`LessonPage`).
public struct LessonResult: Codable, Sendable {
    /// The lesson's command-line name (`chain`, `he2015`).
    public var name: String
    public var title: String
    /// The claim or question the lesson checks.
    public var question: String
    /// Where the claim comes from (an article's argument, a paper and figure).
    public var source: String
    /// One sentence, stated from the measured numbers.
    public var conclusion: String
    public var table: LessonTable
    public var figures: [LessonFigure]
    /// The key numbers by name (what the conclusion and the tests read).
    public var findings: [String: Double]
    /// The settings the lesson ran with (sizes, seed, optimizer), as text.
    public var settings: [String: String]

    public init(
        name: String, title: String, question: String, source: String, conclusion: String, table: LessonTable,
        figures: [LessonFigure], findings: [String: Double], settings: [String: String]
    ) {
        (self.name, self.title, self.question, self.source, self.conclusion) = (name, title, question, source, conclusion)
        (self.table, self.figures, self.findings, self.settings) = (table, figures, findings, settings)
    }
}

/// A small table of text cells; the first row of `rows` is data, `columns` are the headers.
public struct LessonTable: Codable, Sendable {
    public var columns: [String]
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]]) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "LessonTable: every row needs \(columns.count) cells")
        self.columns = columns
        self.rows = rows
    }

    /// The table as aligned plain text for the terminal.
    public var text: String {
        let all = [columns] + rows
        let widths = columns.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ([line(columns), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }
}

/// One line chart's data.
public struct LessonFigure: Codable, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Logarithmic y axis.
    public var logY: Bool
    public var series: [LessonSeries]

    public init(title: String, xLabel: String, yLabel: String, logY: Bool = false, series: [LessonSeries]) {
        (self.title, self.xLabel, self.yLabel, self.logY, self.series) = (title, xLabel, yLabel, logY, series)
    }
}

/// One line: y over x; a non-finite y is stored as nil (JSON has no NaN) and breaks the line.
public struct LessonSeries: Codable, Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double?]
    /// Drawn dashed (a prediction beside a measurement).
    public var dashed: Bool

    public init(name: String, x: [Double], y: [Double], dashed: Bool = false) {
        precondition(x.count == y.count, "LessonSeries: \(x.count) x values for \(y.count) y values")
        self.name = name
        self.x = x
        self.y = y.map { $0.isFinite ? $0 : nil }
        self.dashed = dashed
    }
}

/// How large a lesson runs: `tiny` for tests (seconds), `standard` by default (under a minute
/// on a 2-core machine), `large` for a closer look.
public enum LessonSize: String, CaseIterable, Codable, Sendable {
    case tiny, standard, large

    /// `tiny`, `standard` or `large`'s value.
    public func pick<T>(_ tiny: T, _ standard: T, _ large: T) -> T {
        switch self {
        case .tiny: tiny
        case .standard: standard
        case .large: large
        }
    }
}
