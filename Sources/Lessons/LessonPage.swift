import Foundation
import Plots

/// A lesson's outputs: a self-contained HTML page (inline SVG charts, no external resource) and
/// a JSON document of every number.
public enum LessonPage {
    /// The page: question and source, the table, every figure, the conclusion, the settings.
    public static func html(_ result: LessonResult) -> String {
        let e = SVGCanvas.escape
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>GradGuard lesson: \(e(result.title))</title>
            <style>\(style)</style></head><body><main>
            <h1>\(e(result.title))</h1>
            <section id="question"><h2>Question</h2><p>\(e(result.question))</p><p class="source">Source: \(e(result.source))</p></section>
            <section id="conclusion"><h2>Conclusion</h2><p><strong>\(e(result.conclusion))</strong></p></section>
            <section id="table"><h2>Measured</h2><table><thead><tr>
            """
        page += result.table.columns.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in result.table.rows { page += "<tr>" + row.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n" }
        page += "</tbody></table></section>\n<section id=\"figures\"><h2>Figures</h2>\n"
        for figure in result.figures { page += "<figure>\(chart(figure).svg())</figure>\n" }
        page += "</section>\n<section id=\"settings\"><h2>Settings</h2><ul>"
        for key in result.settings.keys.sorted() { page += "<li><code>\(e(key))</code>: \(e(result.settings[key]!))</li>" }
        page += "</ul><p>Every number on this page is in the lesson's JSON document (<code>gradguard lesson \(e(result.name)) --json</code>).</p></section>\n"
        page += "</main></body></html>\n"
        return page
    }

    /// Reads a JSON document back (a finding that is not finite is the string "NaN",
    /// "Infinity" or "-Infinity"; a series point that is not finite is null).
    public static func decode(_ data: Data) throws -> LessonResult {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(LessonResult.self, from: data)
    }

    /// The JSON document: the `LessonResult` with sorted keys; a series point that is not finite
    /// is null, a finding that is not finite the string "NaN", "Infinity" or "-Infinity".
    public static func json(_ result: LessonResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(result)
    }

    /// The terminal's text: title, table, conclusion.
    public static func text(_ result: LessonResult) -> String {
        "\(result.title)\n\(result.question)\n\n\(result.table.text)\n\n\(result.conclusion)\n"
    }

    static func chart(_ figure: LessonFigure) -> LineChart {
        let series = figure.series.enumerated().map { i, s in
            LineChart.Series(
                name: s.name, points: zip(s.x, s.y).map { (x: $0, y: $1 ?? .nan) }, color: ColorMap.series(i), dashed: s.dashed,
                markers: s.x.count <= 12)
        }
        return LineChart(title: figure.title, xLabel: figure.xLabel, yLabel: figure.yLabel, series: series, logY: figure.logY)
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:0;background:#fafafa;color:#222}
        main{max-width:980px;margin:auto;padding:1.5em}
        h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
        table{border-collapse:collapse;font-variant-numeric:tabular-nums}
        td,th{border-bottom:1px solid #ddd;padding:.25em .7em;text-align:right}
        td:first-child,th:first-child{text-align:left}
        .source{color:#555;font-size:.9em}figure{margin:1em 0}
        """
}
