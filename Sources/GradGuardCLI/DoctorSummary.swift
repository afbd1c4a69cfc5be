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
            out.append("\nVerdict: \(r.verdict)\(main.layer.map { " at layer \($0)" } ?? ""), from step \(main.firstStep) (\(result))")
            for p in r.problems {
                out.append("  • \(p.kind)\(p.layer.map { " [layer \($0)]" } ?? ""): \(p.explanation)")
            }
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
        if !r.repairs.isEmpty {
            out.append("\nRepairs (same seed, data and step budget):")
            out.append("  remedy             test loss   accuracy   verdict               fixed   changes")
            for repair in r.repairs {
                let changes = repair.changes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                out.append("  " + pad(repair.remedy, 18) + pad(show(repair.final.loss), 10, right: true)
                    + pad(percent(repair.final.accuracy), 11, right: true) + "   " + pad(repair.verdict, 22)
                    + pad(repair.fixed ? "yes" : "no", 5) + "   " + changes)
            }
            if let best = r.bestRemedy, let b = r.repairs.first(where: { $0.remedy == best }) {
                let accuracy = r.final.accuracy == nil ? "" : ", accuracy \(percent(r.final.accuracy)) → \(percent(b.final.accuracy))"
                out.append("\nFixed by \(best): loss \(show(r.final.loss)) → \(show(b.final.loss))\(accuracy).")
            } else {
                out.append("\nNo remedy fixed it on its own.")
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
