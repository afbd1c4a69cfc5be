import Foundation
import GradGuard

/// The doctor's report as a short terminal summary.
enum DoctorSummary {
    static func render(_ r: DoctorReport, seconds: Double, folder: String?) -> String {
        var out: [String] = []
        let result = "test loss \(show(r.final.loss)), accuracy \(percent(r.final.accuracy)) after \(r.final.steps) steps"
        if r.problems.isEmpty {
            out.append("\nVerdict: healthy — no detector fired (\(result)).")
        } else {
            let main = r.problems[0]
            let axis = main.axis == "time" ? " through time" : ""
            out.append("\nVerdict: \(r.verdict)\(axis)\(main.layer.map { " at layer \($0)" } ?? ""), from step \(main.firstStep) (\(result))")
            for p in r.problems {
                out.append("  • \(p.kind)\(p.layer.map { " [layer \($0)]" } ?? ""): \(p.explanation)")
            }
        }
        if let clip = r.clipping, clip.clippedSteps > 0 || clip.skippedSteps > 0 {
            out.append("  Gradient clipping in the original run: \(clip.summary).")
        }
        if let e = r.explanation, !e.layers.isEmpty {
            out.append("\nWhy — factor decomposition at step \(e.step) (gradient factor per layer ≈ mean σ′ × weight gain):")
            out.append("  layer  activation below   mean σ′   ‖W‖₂   gain ‖W‖F/√out   input rms   predicted   measured")
            for l in e.layers {
                out.append("  " + pad(l.path, 6) + " " + pad(l.activation ?? "input", 17) + pad(show(l.meanDerivative), 9, right: true)
                    + pad(show(l.spectralNorm), 8, right: true) + pad(show(l.typicalGain), 17, right: true)
                    + pad(show(l.inputRMS), 12, right: true) + pad(show(l.predictedFactor), 12, right: true)
                    + pad(show(l.measuredFactor), 11, right: true))
            }
            out.append("  " + e.summary)
        }
        if let e = r.explanation, let recurrent = e.recurrent, !recurrent.isEmpty {
            out.append("\nThrough time at step \(e.step) (factor per step ≈ mean σ′ × ρ(W_hh) for an RNN, the gate at rest for LSTM/GRU):")
            out.append("  layer  cell                  T   mean σ′   ρ(W_hh)   ‖W_hh‖₂   gate   predicted/step   measured/step   predicted h1/hT   measured h1/hT")
            for l in recurrent {
                out.append("  " + pad(l.path, 6) + " " + pad(l.kind, 18) + pad("\(l.steps)", 5, right: true)
                    + pad(show(l.meanDerivative), 10, right: true) + pad(show(l.spectralRadius), 10, right: true)
                    + pad(show(l.recurrentNorm), 10, right: true) + pad(show(l.gateAtRest), 7, right: true)
                    + pad(show(l.predictedFactor), 17, right: true) + pad(show(l.measuredFactor), 16, right: true)
                    + pad(show(l.predictedRatio), 18, right: true) + pad(show(l.measuredRatio), 17, right: true))
            }
            if e.layers.isEmpty { out.append("  " + e.summary) }
        }
        if !r.repairs.isEmpty {
            out.append("\nRepairs (same data and step budget; tuned_lr: the rate a range test picked):")
            let width = Swift.max(18, r.repairs.map(\.remedy.count).max() ?? 0)
            out.append("  " + pad("remedy", width) + " test loss   accuracy   verdict               fixed   changes")
            for repair in r.repairs {
                let changes = repair.changes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                out.append("  " + pad(repair.remedy, width) + pad(show(repair.final.loss), 10, right: true)
                    + pad(percent(repair.final.accuracy), 11, right: true) + "   " + pad(repair.verdict, 22)
                    + pad(repair.fixed ? "yes" : "no", 5) + "   " + changes)
            }
            if let best = r.bestRemedy, let b = r.repairs.first(where: { $0.remedy == best }) {
                let accuracy = r.final.accuracy == nil ? "" : ", accuracy \(percent(r.final.accuracy)) → \(percent(b.final.accuracy))"
                out.append("\nFixed by \(best): loss \(show(r.final.loss)) → \(show(b.final.loss))\(accuracy).")
                if let again = b.confirmationFinal, b.confirmed == true {
                    out.append("  Confirmed on a second seed: loss \(show(again.loss)), accuracy \(percent(again.accuracy)).")
                }
            } else if let unconfirmed = r.repairs.first(where: { $0.fixed }) {
                out.append("\n\(unconfirmed.remedy) looked like a fix but did not hold on a second seed: no fix is recommended.")
            } else {
                let best = r.repairs.max { FixCriterion.better($1.final, than: $0.final) }
                out.append("\nNo remedy fixed it within the budget\(best.map { "; the best attempt was \($0.remedy) (test loss \(show($0.final.loss)), accuracy \(percent($0.final.accuracy)))" } ?? "").")
            }
            if let b = r.baseline {
                out.append("  A fix must beat the original clearly and the trivial predictor (\(b.predictor.replacingOccurrences(of: "_", with: " ")): test loss \(show(b.loss))\(b.accuracy.map { ", accuracy \(percent($0))" } ?? "")).")
            }
        }
        out.append(String(format: "\nDone in %.1f s.", seconds) + (folder.map { " Run folder: \($0)/; open \($0)/report.html" } ?? ""))
        return out.joined(separator: "\n")
    }
}

/// `text` padded with spaces to `width` characters (on the left when `right`).
func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: Swift.max(width - text.count, 0))
    return right ? fill + text : text + fill
}
