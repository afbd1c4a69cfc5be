import Foundation
import Autodiff
import TensorCore

/// A deep network is a composition of functions, and composing even a tame one makes a
/// function whose derivative is huge in some places and vanishing in others. f(x) = 3.5x(1−x)
/// composed n times, with the derivative over x measured by autodiff (double precision) on a
/// grid of [0, 1].
enum LogisticLesson {
    static func run(size: LessonSize, seed _: UInt64, progress: (String) -> Void) -> LessonResult {  // no randomness
        let points = size.pick(101, 801, 4001), compositions = size.pick(6, 8, 10)
        let grid = (0..<points).map { Double($0) / Double(points - 1) }
        var rows: [[String]] = [], values: [LessonSeries] = [], derivatives: [LessonSeries] = []
        var findings: [String: Double] = [:]
        for n in 1...compositions {
            progress("f composed \(n) times")
            let x = Variable(Tensor<Double>(grid), requiresGrad: true)
            var y = x
            for _ in 0..<n { y = (y * (1 - y)) * 3.5 }
            y.sum().backward()  // element-wise, so ∂(Σy)/∂x_i = d f^n / dx at x_i
            let d = x.grad!.scalars.map { Swift.abs($0) }
            let largest = d.max()!, steep = fraction(d) { $0 > 10 }, flat = fraction(d) { $0 < 0.1 }
            findings["n = \(n): largest |d fⁿ/dx|"] = largest
            findings["n = \(n): fraction of x with |d fⁿ/dx| > 10"] = steep
            findings["n = \(n): fraction of x with |d fⁿ/dx| < 0.1"] = flat
            rows.append([String(n), String(format: "%.3g", largest), String(format: "%.3g", d.filter { $0 > 0 }.min() ?? 0),
                         String(format: "%.0f %%", 100 * steep), String(format: "%.0f %%", 100 * flat)])
            if n <= 4 || n == compositions {
                values.append(LessonSeries(name: "f^\(n)(x)", x: grid, y: y.value.scalars))
                derivatives.append(LessonSeries(name: "|d f^\(n)/dx|", x: grid, y: d))
            }
        }
        let last = compositions
        let conclusion = String(
            format: "Composed %d times, f(x) = 3.5x(1−x) has a derivative that reaches %.3g in magnitude, is above 10 on %.0f %% of [0, 1] and below 0.1 on %.0f %%: a deep composition of smooth layers has regions of exploding and of vanishing gradient side by side.",
            last, findings["n = \(last): largest |d fⁿ/dx|"]!, 100 * findings["n = \(last): fraction of x with |d fⁿ/dx| > 10"]!,
            100 * findings["n = \(last): fraction of x with |d fⁿ/dx| < 0.1"]!)
        return LessonResult(
            name: "logistic", title: "Composing a function makes steep and flat regions",
            question: "What does the n-fold composition of f(x) = 3.5x(1−x) look like, and its derivative over x?",
            source: "The source articles' example of a deep network as a composition: f(x) = 3.5x(1−x) iterated.",
            conclusion: conclusion,
            table: LessonTable(columns: ["n", "largest |d fⁿ/dx|", "smallest |d fⁿ/dx|", "|d| > 10", "|d| < 0.1"], rows: rows),
            figures: [
                LessonFigure(title: "fⁿ(x)", xLabel: "x", yLabel: "fⁿ(x)", series: values),
                LessonFigure(title: "|d fⁿ/dx| (log scale)", xLabel: "x", yLabel: "|d fⁿ/dx|", logY: true, series: derivatives),
            ],
            findings: findings,
            settings: ["grid": "\(points) points on [0, 1]", "compositions": "1…\(compositions)", "precision": "double"])
    }

    static func fraction(_ values: [Double], _ test: (Double) -> Bool) -> Double {
        Double(values.filter(test).count) / Double(values.count)
    }
}
