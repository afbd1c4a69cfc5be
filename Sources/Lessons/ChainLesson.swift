import Foundation
import Autodiff
import Initializers
import Layers
import TensorCore

/// The chain rule as a product: back-propagation multiplies one factor σ′(z)·w per layer, so a
/// factor below 1 shrinks the gradient geometrically with depth and one above 1 grows it
/// (0.8⁵⁰ ≈ 1.4e-5, 1.2⁵⁰ ≈ 9.1e3). Measured by autodiff in double precision in one-neuron
/// chains (where the product is exact) and in a wide sigmoid net (where each layer's factor is
/// the weight's gain times the RMS of σ′ over its units), against the predicted product.
enum ChainLesson {
    static func run(size: LessonSize, seed: UInt64, progress: (String) -> Void) -> LessonResult {
        let depth = size.pick(12, 50, 80), width = size.pick(16, 64, 128), batch = size.pick(8, 32, 64)
        var rng = RandomGenerator(seed: seed)
        var rows: [[String]] = [], figures: [LessonSeries] = [], findings: [String: Double] = [:]
        var worst = 0.0
        let depths = Array(1...depth)

        // 1. One neuron per layer, linear: the product is w^depth exactly.
        for w in [0.8, 1.2] {
            progress("one-neuron linear chain, w = \(w)")
            let measured = depths.map { l in oneNeuronGradient(weights: [Double](repeating: w, count: l), activation: .identity, input: 0.5).measured }
            let predicted = depths.map { Foundation.pow(w, Double($0)) }
            record("linear chain, w = \(w)", measured, predicted)
        }
        // 2. One neuron per layer, sigmoid: the product ∏σ′(z_l)·w_l, read from the forward pass.
        for w in [1.0, 6.0] {
            progress("one-neuron sigmoid chain, w = \(w)")
            let weights = (0..<depth).map { _ in w * (0.75 + 0.5 * rng.nextUnit()) }
            var measured: [Double] = [], predicted: [Double] = []
            for l in depths {
                let r = oneNeuronGradient(weights: Array(weights.prefix(l)), activation: .sigmoid, input: 0.5)
                measured.append(r.measured)
                predicted.append(r.predicted)
            }
            record("sigmoid chain, w ≈ \(w)", measured, predicted)
        }
        // 3. A wide sigmoid net, W = gain · orthogonal: each layer scales the gradient by about
        // gain · RMS(σ′) over its units.
        for gain in [2.0, 4.0] {
            progress("wide sigmoid net, width \(width), gain \(gain)")
            let (measured, predicted) = wideNet(depth: depth, width: width, batch: batch, gain: gain, using: &rng)
            record("wide sigmoid, \(width) units, gain \(gain)", measured, predicted, exact: false)
        }

        func record(_ name: String, _ measured: [Double], _ predicted: [Double], exact: Bool = true) {
            let ratio = measured.last! / predicted.last!
            if exact { worst = Swift.max(worst, Swift.abs(ratio - 1)) }
            findings["\(name): measured at depth \(depth)"] = measured.last!
            findings["\(name): predicted at depth \(depth)"] = predicted.last!
            rows.append([name, String(depth), format(measured.last!), format(predicted.last!), String(format: "%.3f", ratio)])
            figures.append(LessonSeries(name: "\(name) (measured)", x: depths.map(Double.init), y: measured))
            figures.append(LessonSeries(name: "\(name) (predicted)", x: depths.map(Double.init), y: predicted, dashed: true))
        }
        findings["largest relative error of the one-neuron chains"] = worst
        let wide = rows.suffix(2).map { Double($0[4]) ?? .nan }
        findings["wide net: worst measured / predicted"] = wide.max { Swift.abs($0 - 1) < Swift.abs($1 - 1) } ?? .nan
        let conclusion = String(
            format: "Back-propagation multiplies one factor per layer: in one-neuron chains the measured gradient equals the product ∏σ′(z)·w to %.1e (0.8^%d = %@, 1.2^%d = %@), and a wide sigmoid net follows ∏ gain·RMS(σ′) within a factor %.2f — a factor below 1 per layer vanishes geometrically with depth, above 1 it explodes.",
            worst, depth, format(Foundation.pow(0.8, Double(depth))), depth, format(Foundation.pow(1.2, Double(depth))),
            wide.map { Swift.max($0, 1 / $0) }.max() ?? .nan)
        return LessonResult(
            name: "chain", title: "The chain rule is a product over layers",
            question: "Does the gradient at the input equal the product of one factor σ′(z)·w per layer, so that it shrinks or grows geometrically with depth?",
            source: "The source articles' chain-rule argument (∂L/∂x = ∏ σ′(z_l) w_l; 0.8⁵⁰ ≈ 1.4e-5, 1.2⁵⁰ ≈ 9.1e3).",
            conclusion: conclusion,
            table: LessonTable(columns: ["network", "depth", "measured ∂", "predicted product", "measured / predicted"], rows: rows),
            figures: [LessonFigure(title: "Gradient reaching the input against depth", xLabel: "depth (layers)",
                                   yLabel: "|∂y/∂x| (one neuron) or ‖∂L/∂x‖/‖∂L/∂y‖ (wide)", logY: true, series: figures)],
            findings: findings,
            settings: ["depth": "1…\(depth)", "wide net": "width \(width), batch \(batch), W = gain·orthogonal, biases 0",
                       "precision": "double", "seed": String(seed)])
    }

    /// ∂a_L/∂x through a_l = f(w_l a_{l−1}) (no bias) by autodiff, and ∏ f′(z_l) w_l from the forward values.
    static func oneNeuronGradient(weights: [Double], activation: Activation, input: Double) -> (measured: Double, predicted: Double) {
        let x = Variable(Tensor<Double>([input]), requiresGrad: true)
        var a = x, predicted = 1.0
        for w in weights {
            let z = a * w
            a = z.applying(activation)
            predicted *= activation.derivative(x: z.value.scalars[0], y: a.value.scalars[0]) * w
        }
        a.sum().backward()
        return (Swift.abs(x.grad!.scalars[0]), Swift.abs(predicted))
    }

    /// ‖∂L/∂x‖/‖∂L/∂y‖ over depth for a wide sigmoid net y = σ(W_L … σ(W_1 x)), W_l = gain·Q_l,
    /// with a random unit-norm ∂L/∂y, against ∏ gain·RMS(σ′(z_l)), for every depth 1…depth.
    static func wideNet(depth: Int, width: Int, batch: Int, gain: Double, using rng: inout RandomGenerator) -> ([Double], [Double]) {
        let weights = (0..<depth).map { _ in Variable(Initializer.orthogonal(gain: gain).tensor(shape: [width, width], using: &rng) as Tensor<Double>) }
        let x = Variable(Tensor<Double>.normal(shape: [batch, width], using: &rng), requiresGrad: true)
        var measured: [Double] = [], predicted: [Double] = []
        for l in 1...depth {
            var a = x, product = 1.0
            for w in weights.prefix(l) {
                let z = Variable.linear(a, weight: w, bias: nil)
                a = z.applying(.sigmoid)
                let derivative = a.value.map { $0 * (1 - $0) }
                product *= gain * (derivative.scalars.reduce(0) { $0 + $1 * $1 } / Double(derivative.count)).squareRoot()
            }
            let seed = Tensor<Double>.normal(shape: a.shape, using: &rng)
            x.grad = nil
            a.backward(seed: seed)
            measured.append(x.grad!.l2Norm() / seed.l2Norm())
            predicted.append(product)
        }
        return (measured, predicted)
    }

    static func format(_ v: Double) -> String { String(format: "%.3g", v) }
}
