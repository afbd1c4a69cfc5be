import Foundation
import Initializers
import TensorCore

/// Repeating the same weight matrix t times multiplies by Wᵗ = V diag(λ)ᵗ V⁻¹, so after many
/// steps a vector's norm follows ρᵗ, ρ the spectral radius: below 1 it vanishes, above 1 it
/// explodes — what a recurrent layer does through time. W = V diag(λ) Vᵀ with V orthogonal,
/// one eigenvalue at ρ and the others spread over [−0.8ρ, 0.8ρ]; ‖Wᵗ v‖ is measured in a linear chain and a
/// ReLU chain (h ← relu(W h)) against |⟨v, v₁⟩| ρᵗ.
enum EigenLesson {
    static func run(size: LessonSize, seed: UInt64, progress: (String) -> Void) -> LessonResult {
        let n = size.pick(16, 64, 128), steps = size.pick(40, 100, 200)
        var rng = RandomGenerator(seed: seed)
        let basis: Tensor<Double> = Initializer.orthogonal().tensor(shape: [n, n], using: &rng)  // rows: eigenvectors
        let spread = (0..<n).map { i in i == 0 ? 1.0 : 0.8 * (2 * rng.nextUnit() - 1) }  // a spectral gap: |λ_i| ≤ 0.8ρ for i > 1
        let start = Tensor<Double>.normal(shape: [n], using: &rng)
        var rows: [[String]] = [], linear: [LessonSeries] = [], relu: [LessonSeries] = [], findings: [String: Double] = [:]
        let times = (0...steps).map(Double.init)
        for radius in [0.9, 1.0, 1.1] {
            progress("spectral radius \(radius)")
            // W = Vᵀ diag(λ) V with V's rows the eigenvectors.
            let scaled = Tensor<Double>(shape: [n, n]) { out in
                for i in 0..<n { for j in 0..<n { out[i * n + j] = basis.scalars[i * n + j] * spread[i] * radius } }
            }
            let w = Tensor.matmul(basis, scaled, transposeA: true)
            let top = abs(zip(start.scalars, basis.scalars.prefix(n)).reduce(0) { $0 + $1.0 * $1.1 })
            var v = start.reshaped([n, 1]), h = start.map { Swift.max($0, 0) }.reshaped([n, 1])
            var linearNorms = [v.l2Norm()], reluNorms = [h.l2Norm()]
            for _ in 0..<steps {
                v = Tensor.matmul(w, v)
                h = Tensor.matmul(w, h).map { Swift.max($0, 0) }
                linearNorms.append(v.l2Norm())
                reluNorms.append(h.l2Norm())
            }
            let predicted = times.map { top * Foundation.pow(radius, $0) }
            let ratio = linearNorms.last! / predicted.last!
            findings["ρ = \(radius): ‖Wᵗv‖ at t = \(steps)"] = linearNorms.last!
            findings["ρ = \(radius): |⟨v, v₁⟩| ρᵗ at t = \(steps)"] = predicted.last!
            findings["ρ = \(radius): linear measured / predicted"] = ratio
            findings["ρ = \(radius): ReLU chain ‖h_t‖ at t = \(steps)"] = reluNorms.last!
            rows.append([String(radius), String(format: "%.3g", linearNorms.last!), String(format: "%.3g", predicted.last!),
                         String(format: "%.3f", ratio), String(format: "%.3g", reluNorms.last!)])
            linear.append(LessonSeries(name: "ρ = \(radius), measured", x: times, y: linearNorms))
            linear.append(LessonSeries(name: "ρ = \(radius), |⟨v,v₁⟩| ρᵗ", x: times, y: predicted, dashed: true))
            relu.append(LessonSeries(name: "ρ = \(radius), ReLU chain", x: times, y: reluNorms))
        }
        let ratios = [0.9, 1.0, 1.1].map { findings["ρ = \($0): linear measured / predicted"]! }
        let conclusion = String(
            format: "After %d multiplications by W, ‖Wᵗv‖ is %.3g, %.3g and %.3g for spectral radius 0.9, 1.0 and 1.1 — within a factor %.2f of |⟨v, v₁⟩|·ρᵗ: the largest eigenvalue alone decides whether a repeated layer vanishes or explodes, and a ReLU between the products shrinks it further.",
            steps, findings["ρ = 0.9: ‖Wᵗv‖ at t = \(steps)"]!, findings["ρ = 1.0: ‖Wᵗv‖ at t = \(steps)"]!,
            findings["ρ = 1.1: ‖Wᵗv‖ at t = \(steps)"]!, ratios.map { Swift.max($0, 1 / $0) }.max()!)
        return LessonResult(
            name: "eigen", title: "Repeated weights: the spectral radius decides",
            question: "Since Wᵗ = V diag(λ)ᵗ V⁻¹, does ‖Wᵗ v‖ follow ρᵗ for the largest |λ| = ρ?",
            source: "The source articles' eigen-decomposition argument for recurrent weights (Wᵗ = V diag(λ)ᵗ V⁻¹).",
            conclusion: conclusion,
            table: LessonTable(columns: ["ρ", "‖Wᵗv‖ (linear)", "|⟨v,v₁⟩| ρᵗ", "measured / predicted", "‖h_t‖ (ReLU)"], rows: rows),
            figures: [
                LessonFigure(title: "Linear chain: ‖Wᵗv‖ against |⟨v,v₁⟩| ρᵗ", xLabel: "t", yLabel: "norm", logY: true, series: linear),
                LessonFigure(title: "ReLU chain: ‖h_t‖, h_t = relu(W h_{t−1})", xLabel: "t", yLabel: "norm", logY: true, series: relu),
            ],
            findings: findings,
            settings: ["size": "\(n) × \(n)", "steps": String(steps), "eigenvalues": "one at ρ, the others uniform in [−0.8ρ, 0.8ρ]",
                       "eigenvectors": "orthogonal (W symmetric)", "seed": String(seed)])
    }
}
