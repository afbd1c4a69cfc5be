import Diagnosis
import Doctor
import Foundation
import Monitor
import Plots
import Runs
import Training

/// `report.html`: one self-contained page (inline SVG and CSS; no script, font or image from
/// anywhere else) with the verdict, the findings and their explanations, the loss curves before
/// and after each remedy, the per-layer gradient heat map, the gradient-flow picture, weight,
/// gradient and activation histograms at the first and last step, the factor decomposition
/// and the repair comparison. Each section is a `<section id=…>`: `summary` (a row of cards:
/// diagnosis, test metric, gradient reaching the first layer, best remedy, validation, clipping),
/// `findings`, `loss`, `validation` (when the run had a validation set), `confusion`
/// (classification with a test set), `heatmap`, `gradient-flow`, `histograms`,
/// `decomposition`, `repairs`.
public enum HTMLReport {
    /// The section ids every report has, in page order (`validation` and `confusion` come after
    /// `loss` when the run has them).
    public static let sections = ["summary", "findings", "loss", "heatmap", "gradient-flow", "histograms", "decomposition", "repairs"]

    /// The page for `run`.
    public static func html(_ run: RunArtifacts) -> String {
        let report = run.report
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>GradGuard report: \(e(report.name))</title>
            <style>\(style)</style></head><body><main>
            <h1>GradGuard report: \(e(report.name))</h1>

            """
        if let status = run.status, status.state != .complete {
            let how = status.state == .interrupted ? "was interrupted" : "did not finish (it was stopped without saving, or is still training)"
            page += "<p class=\"unfinished\"><strong>Unfinished run:</strong> it \(how) at step \(status.checkpointStep ?? status.step) of \(status.totalSteps). "
                + "The numbers below cover the steps before its last checkpoint. Continue it with <code>gradguard train --resume RUN_FOLDER</code>.</p>\n"
        }
        page += section("summary", "Verdict", summary(run))
        page += section("findings", "Findings", findings(report))
        page += section("loss", "Loss curves", figure(ReportCharts.lossCurves(run.lossCurves, lossName: run.lossName),
            run.lossCurves.runs.count > 1 ? "Every remedy was trained with the same seed, data, batch order and step budget as the original (thick grey, underneath); each line is named where it ends, so a remedy that changed nothing shows on top of the original." : "Per-step training loss."))
        if let validation = report.validation {
            page += section("validation", "Validation", validationFigure(validation, records: run.records, lossName: run.lossName))
        }
        if let counts = report.confusion {
            page += section("confusion", "Confusion matrix (test set, final weights)", confusion(ConfusionMatrix(counts: counts)))
        }
        page += section("heatmap", "Gradient norm per layer over training", ReportCharts.heatMap(run.records).map {
            figure($0, "Each cell is ‖∂L/∂z‖, the gradient back-propagated to a layer's output, on a log colour scale; the input side is at the top. A vanishing gradient shows as dark rows on the input side; an exploding one as bright rows, or red cells where it became NaN/∞.")
        } ?? "<p>No layer with weights was recorded.</p>")
        let best = run.fixRecords == nil ? nil : report.bestRemedy
        let originalFlow = ReportCharts.gradientFlow(run.records, title: best == nil ? "Gradient flow: how much gradient reaches each layer" : "Original run",
                                                     width: best == nil ? 960 : 540, sharing: run.fixRecords ?? []).map {
            figure($0, "Original run: ‖∂L/∂z‖ against depth at a few steps. Healthy flow is roughly level; a line falling toward the input side (left) by decades is a vanishing gradient, one rising is an exploding gradient.")
        } ?? "<p>Fewer than two layers with weights: no flow to draw.</p>"
        var fixFlow: String?
        if let fixRecords = run.fixRecords, let best, let svg = ReportCharts.gradientFlow(fixRecords, title: "After the fix: \(best)", width: 540, sharing: run.records) {
            fixFlow = figure(svg, "After the fix, \(best): the same picture for the recommended remedy's run.")
        }
        page += section("gradient-flow", "Gradient flow", fixFlow.map { "<div class=\"pair\">\(originalFlow)\($0)</div>" } ?? originalFlow)
            + ReportCharts.throughTime(run.records).map {
                figure($0, "For a recurrent layer the gradient also flows back through time: ‖∂L/∂h_t‖ for each step t of the sequence. A line falling by decades toward t = 0 means early inputs barely influence learning (the recurrent vanishing gradient; an LSTM or GRU, or orthogonal recurrent weights, are the remedies).")
            }.joined()
        page += section("histograms", "Weights, gradients and activations", histograms(run.records))
        page += section("decomposition", "Why: factor decomposition", decomposition(report.explanation))
        page += section("repairs", "Repairs", repairs(report))
        page += "<footer>Written by GradGuard from the run folder's doctor.json, metrics.jsonl and loss_curves.csv; rebuild with <code>gradguard report FOLDER</code>.</footer>\n</main></body></html>\n"
        return page
    }

    static let style = """
        .unfinished{border:1px solid #e67e22;background:#fdf6ee;padding:8px 12px;border-radius:4px}
        body{margin:0;background:#f4f5f7;color:#1d1d1f;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
        main{max-width:1120px;margin:0 auto;padding:24px 28px 48px;background:#fff;min-height:100vh}
        h1{font-size:24px;margin:0 0 12px}h2{font-size:19px;margin:0 0 10px;border-bottom:1px solid #e3e3e3;padding-bottom:4px}
        section{margin:28px 0}.pair{display:flex;flex-wrap:wrap;gap:16px}.pair figure{flex:1 1 0;min-width:0}figure{margin:8px 0;overflow-x:auto}figcaption{color:#555;font-size:13px;max-width:860px}
        table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}
        th{background:#f0f1f3}td.t,th.t{text-align:left}tr.best td{background:#eaf7ea}
        .verdict{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff;background:#c0392b}
        .verdict.healthy{background:#27ae60}.problem{border-left:4px solid #c0392b;padding:4px 12px;margin:10px 0;background:#fbf3f2}
        .problem.minor{border-color:#e67e22;background:#fdf6ee}.evidence{color:#555;font-size:13px}
        .cards{display:flex;flex-wrap:wrap;gap:10px;margin:4px 0 12px}.card{border:1px solid #e3e3e3;border-radius:6px;padding:8px 14px;min-width:150px}
        .card .k{color:#666;font-size:12px}.card .v{font-size:20px;font-weight:600}.card .s{color:#555;font-size:12px}
        table.confusion td{min-width:28px}
        .hist{display:grid;grid-template-columns:170px repeat(3,250px);gap:4px 8px;align-items:center}
        .hist .name{font-size:12px;text-align:right;color:#333}code,pre{font:12px ui-monospace,monospace}
        pre{background:#f6f8fa;padding:8px;overflow-x:auto}footer{color:#777;font-size:12px;margin-top:32px}
        """

    static func e(_ text: String) -> String { SVGCanvas.escape(text) }

    static func number(_ v: Double?) -> String { v.map(Axis.label) ?? "–" }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f %%", 100 * $0) } ?? "–" }

    static func section(_ id: String, _ title: String, _ body: String) -> String {
        "<section id=\"\(id)\"><h2>\(e(title))</h2>\n\(body)\n</section>\n"
    }

    static func figure(_ svg: String, _ caption: String) -> String {
        "<figure>\(svg)<figcaption>\(e(caption))</figcaption></figure>"
    }

    /// The summary cards: what is wrong, the test metric, how much gradient reaches the first
    /// layer (first and last record), the best remedy, validation and clipping.
    static func cards(_ run: RunArtifacts) -> String {
        let r = run.report
        func card(_ key: String, _ value: String, _ sub: String = "") -> String {
            "<div class=\"card\"><div class=\"k\">\(e(key))</div><div class=\"v\">\(value)</div>\(sub.isEmpty ? "" : "<div class=\"s\">\(e(sub))</div>")</div>"
        }
        let main = r.problems.first
        var cards = [card("diagnosis", "<span class=\"verdict\(r.verdict == "healthy" ? " healthy" : "")\">\(e(r.verdict))</span>",
                          main.map { p in (p.layer.map { "layer \($0), " } ?? "") + "from step \(p.firstStep)" } ?? "no problem found")]
        if let accuracy = r.final.accuracy {
            cards.append(card("test accuracy", percent(accuracy), "loss \(number(r.final.loss)) after \(r.final.steps) steps"))
        } else {
            cards.append(card("final loss", number(r.final.loss), "after \(r.final.steps) steps"))
        }
        let ratios = run.records.compactMap(\.firstToLastGradientRatio)
        if let first = ratios.first, let last = ratios.last {
            cards.append(card("gradient reaching layer 1", number(first), "÷ last layer's; at the end \(number(last)) (healthy: 0.1–10)"))
        }
        if let best = r.bestRemedy, let repair = r.repairs.first(where: { $0.remedy == best }) {
            let after = repair.final.accuracy.map { "\(percent(r.final.accuracy)) → \(percent($0))" }
                ?? "loss \(number(r.final.loss)) → \(number(repair.final.loss))"
            cards.append(card("best remedy", e(best), after))
        } else if !r.repairs.isEmpty {
            cards.append(card("best remedy", "none", "\(r.repairs.count) tried; none fixed it"))
        }
        if let v = r.validation, let bestEpoch = v.bestEpoch, let score = v.scores.first(where: { $0.epoch == bestEpoch }) {
            cards.append(card("best validation epoch", "\(bestEpoch)", "loss \(number(score.loss))"
                + (v.stoppedEarlyAfterEpoch.map { "; stopped early after epoch \($0)" } ?? "")))
        }
        if let clip = r.clipping, clip.clippedSteps > 0 || clip.skippedSteps > 0 {
            cards.append(card("steps clipped", "\(clip.clippedSteps) of \(clip.steps)", clip.skippedSteps > 0 ? "\(clip.skippedSteps) skipped (non-finite)" : ""))
        }
        return "<div class=\"cards\">" + cards.joined() + "</div>"
    }

    /// Validation loss per epoch beside the training loss (the mean of each epoch's recorded
    /// steps), the best epoch marked.
    static func validationFigure(_ v: ValidationSummary, records: [StepRecord], lossName: String) -> String {
        var byEpoch: [Int: (sum: Double, count: Int)] = [:]
        for r in records where r.loss.isFinite { byEpoch[r.epoch + 1, default: (0, 0)].sum += r.loss; byEpoch[r.epoch + 1, default: (0, 0)].count += 1 }
        let training = byEpoch.keys.sorted().map { (x: Double($0), y: byEpoch[$0]!.sum / Double(byEpoch[$0]!.count)) }
        var series = [LineChart.Series(name: "validation", points: v.scores.map { (Double($0.epoch), $0.loss) }, color: ColorMap.series(0), markers: true),
                      LineChart.Series(name: "training (epoch mean)", points: training, color: "#9a9a9a", dashed: true)]
        if let best = v.bestEpoch, let score = v.scores.first(where: { $0.epoch == best }) {
            series.append(LineChart.Series(name: "best epoch \(best)", points: [(Double(best), score.loss)], color: "#27ae60", markers: true))
        }
        var chart = LineChart(title: "Loss per epoch", xLabel: "epoch", yLabel: lossName, series: series)
        chart.width = 760
        let stop = v.stoppedEarlyAfterEpoch.map { " Early stopping ended training after epoch \($0)." } ?? ""
        return figure(chart.svg(), "The validation set is held out of training and scored after each epoch; its best epoch's weights are best.safetensors. Validation loss rising while training loss falls is overfitting.\(stop)")
    }

    /// The confusion matrix as a table, each cell shaded by its share of the true class's samples.
    static func confusion(_ m: ConfusionMatrix) -> String {
        var html = "<table class=\"confusion\"><tr><th class=\"t\">true \\ predicted</th>" + (0..<m.classes).map { "<th>\($0)</th>" }.joined() + "<th>recall</th></tr>"
        for (i, row) in m.counts.enumerated() {
            let total = max(row.reduce(0, +), 1)
            html += "<tr><th class=\"t\">\(i)</th>" + row.enumerated().map { j, count in
                let share = Double(count) / Double(total), tint = i == j ? "39,174,96" : "192,57,43"
                return "<td style=\"background:rgba(\(tint),\(String(format: "%.2f", count == 0 ? 0 : 0.12 + 0.6 * share)))\">\(count)</td>"
            }.joined() + "<td>\(percent(m.recall[i]))</td></tr>"
        }
        html += "</table>"
        if let mistake = m.commonestMistake {
            html += "<p>Commonest mistake: class \(mistake.trueClass) taken for \(mistake.predicted) (\(mistake.count) of the test set's samples). Accuracy \(percent(m.accuracy)).</p>"
        }
        return html
    }

    static func summary(_ run: RunArtifacts) -> String {
        let r = run.report
        var html = cards(run)
        html += "<p>Final loss (test set when the data has one) <b>\(number(r.final.loss))</b>"
        if let accuracy = r.final.accuracy { html += ", accuracy <b>\(percent(accuracy))</b>" }
        html += " after \(r.final.steps) steps; \(run.records.count) steps recorded."
        if let best = r.bestRemedy, let repair = r.repairs.first(where: { $0.remedy == best }) {
            html += " Best remedy: <b>\(e(best))</b> (loss \(number(repair.final.loss))\(repair.final.accuracy.map { ", accuracy \(percent($0))" } ?? ""))."
        } else if !r.repairs.isEmpty {
            html += " No remedy fixed it."
        }
        if let clip = r.clipping, clip.clippedSteps > 0 || clip.skippedSteps > 0 {
            html += "</p><p>Gradient clipping: \(e(clip.summary))."
        }
        html += "</p><details><summary>Experiment file</summary><pre>\(e(run.experimentText))</pre></details>"
        return html
    }

    static func findings(_ report: DoctorReport) -> String {
        guard !report.problems.isEmpty else { return "<p>No problem found: gradients reached every layer at a healthy size and the loss fell.</p>" }
        return report.problems.enumerated().map { i, p in
            let evidence = p.evidence.sorted { $0.key < $1.key }.map { "\(e($0.key)) = \(number($0.value))" }.joined(separator: ", ")
            return "<div class=\"problem\(i == 0 ? "" : " minor")\"><b>\(e(p.kind))</b>\(p.layer.map { " at layer \(e($0))" } ?? ""), from step \(p.firstStep)"
                + "<p>\(e(p.explanation))</p><div class=\"evidence\">\(evidence)</div></div>"
        }.joined(separator: "\n")
    }

    static func histograms(_ records: [StepRecord]) -> String {
        let rows = ReportCharts.histogramRows(records)
        guard !rows.isEmpty else { return "<p>No histograms were recorded.</p>" }
        var html = "<p>Grey: the first step; blue: the last. Bars are each value range's share of the layer's values.</p><div class=\"hist\">"
        for row in rows {
            html += "<div class=\"name\">\(e(row.layer))</div>" + row.charts.map { "<div>\($0)</div>" }.joined()
        }
        return html + "</div>"
    }

    static func decomposition(_ d: FactorDecomposition?) -> String {
        guard let d else { return "<p>No decomposition (no step was recorded).</p>" }
        var html = "<p>\(e(d.summary)) Driver: <b>\(e(d.driver))</b> (at step \(d.step)).</p>"
        html += "<table><tr><th class=\"t\">layer</th><th class=\"t\">activation below</th><th>mean σ′</th><th>‖W‖₂</th><th>typical gain ‖W‖<sub>F</sub>/√out</th>"
            + "<th>input RMS</th><th>predicted factor σ′ × gain</th><th>measured ‖∂L/∂z‖ ratio</th></tr>"
        for l in d.layers {
            html += "<tr><td class=\"t\">\(e(l.path)) \(e(l.kind))</td><td class=\"t\">\(e(l.activation ?? "–"))</td><td>\(number(l.meanDerivative))</td>"
                + "<td>\(number(l.spectralNorm))</td><td>\(number(l.typicalGain))</td><td>\(number(l.inputRMS))</td>"
                + "<td>\(number(l.predictedFactor))</td><td>\(number(l.measuredFactor))</td></tr>"
        }
        return html + "</table>"
    }

    static func repairs(_ report: DoctorReport) -> String {
        guard !report.repairs.isEmpty else {
            return "<p>No repairs were tried\(report.verdict == "healthy" ? ": the run is healthy" : " (run <code>gradguard doctor</code> on the experiment to try them)").</p>"
        }
        var html = "<table><tr><th class=\"t\">run</th><th class=\"t\">changes</th><th>final loss</th><th>accuracy</th><th class=\"t\">diagnosis</th><th class=\"t\">fixed</th></tr>"
        html += "<tr><td class=\"t\">original</td><td class=\"t\">–</td><td>\(number(report.final.loss))</td><td>\(percent(report.final.accuracy))</td><td class=\"t\">\(e(report.verdict))</td><td class=\"t\">–</td></tr>"
        for r in report.repairs {
            let changes = r.changes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            html += "<tr\(r.remedy == report.bestRemedy ? " class=\"best\"" : "")><td class=\"t\">\(e(r.remedy))</td><td class=\"t\">\(e(changes))</td>"
                + "<td>\(number(r.final.loss))</td><td>\(percent(r.final.accuracy))</td><td class=\"t\">\(e(r.verdict))</td><td class=\"t\">\(r.fixed ? "✓ yes" : "✗ no")</td></tr>"
        }
        return html + "</table>"
    }
}
