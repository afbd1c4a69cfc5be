import Autodiff
import TensorCore

/// How gradients are clipped before an optimizer step.
public enum ClipRule: Equatable, Sendable {
    /// Global norm over all parameters, `g ← g · min(1, maxNorm / (‖g‖ + 1e-6))`, as
    /// `torch.nn.utils.clip_grad_norm_` (Pascanu et al. 2013); `normType` 2 or ∞.
    case norm(maxNorm: Double, normType: NormType = .l2)
    /// Each element limited to `[−clipValue, clipValue]`, as `clip_grad_value_`.
    case value(clipValue: Double)
    /// Each parameter's gradient scaled to at most `maxNorm` on its own (source article 004's GradClip,
    /// without its learning-rate side effect).
    case perParameter(maxNorm: Double)

    /// The norm `clip_grad_norm_` measures.
    public enum NormType: Equatable, Sendable {
        case l2
        case infinity
    }
}

/// What to do when the gradients' total norm is NaN or ∞.
public enum NonFinitePolicy: String, Equatable, Sendable, CaseIterable {
    /// Throw `NonFiniteGradientError`, naming the first parameter that holds a NaN or ∞.
    case error
    /// Leave weights and optimizer state untouched this step, and count it.
    case skip
    /// Carry on as PyTorch does by default (the NaN reaches the weights).
    case propagate
}

/// A gradient with NaN or ∞, found under the `error` policy.
public struct NonFiniteGradientError: Error, CustomStringConvertible, Equatable {
    public let parameter: String
    public let totalNorm: Double
    public var description: String { "non-finite gradient in parameter \(parameter) (total norm \(totalNorm))" }
}

/// How much clipping a run did. Encodes as `steps`, `clipped_steps`, `skipped_steps`,
/// `largest_norm`, `minimum_scale`, `mean_scale` (snake_case encoders) and `scaled_steps`.
public struct ClipStatistics: Equatable, Sendable, Codable {
    /// Steps seen.
    public internal(set) var steps = 0
    /// Steps in which some gradient was scaled down or clamped.
    public internal(set) var clippedSteps = 0
    /// Steps skipped for a non-finite norm.
    public internal(set) var skippedSteps = 0
    /// Largest finite total norm seen (before clipping).
    public internal(set) var largestNorm = 0.0
    /// Smallest scale applied (1 when never clipped; norm rules only).
    public internal(set) var minimumScale = 1.0
    var scaleSum = 0.0
    var scaledSteps = 0
    /// Mean scale over the steps that were not skipped (norm rules only; 1 = never clipped).
    public var meanScale: Double { scaledSteps == 0 ? 1 : scaleSum / Double(scaledSteps) }

    public init() {}

    /// One line for a run's summary: "24 of 100 steps clipped (mean scale 0.959, min 0.497),
    /// largest norm 2.011, 0 skipped".
    public var summary: String {
        String(format: "%d of %d steps clipped (mean scale %.3f, min %.3f), largest norm %.4g, %d skipped",
               clippedSteps, steps, meanScale, minimumScale, largestNorm, skippedSteps)
    }

    enum CodingKeys: String, CodingKey {
        case steps, clippedSteps, skippedSteps, largestNorm, minimumScale, meanScale, scaledSteps
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(steps, forKey: .steps)
        try c.encode(clippedSteps, forKey: .clippedSteps)
        try c.encode(skippedSteps, forKey: .skippedSteps)
        try c.encode(largestNorm, forKey: .largestNorm)
        try c.encode(minimumScale, forKey: .minimumScale)
        try c.encode(meanScale, forKey: .meanScale)
        try c.encode(scaledSteps, forKey: .scaledSteps)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        steps = try c.decode(Int.self, forKey: .steps)
        clippedSteps = try c.decode(Int.self, forKey: .clippedSteps)
        skippedSteps = try c.decode(Int.self, forKey: .skippedSteps)
        largestNorm = try c.decode(Double.self, forKey: .largestNorm)
        minimumScale = try c.decode(Double.self, forKey: .minimumScale)
        scaledSteps = try c.decodeIfPresent(Int.self, forKey: .scaledSteps) ?? 0
        scaleSum = try c.decode(Double.self, forKey: .meanScale) * Double(scaledSteps)
    }
}

/// The result of clipping one step's gradients.
public struct ClipOutcome: Equatable, Sendable {
    /// The total norm before clipping: `clip_grad_norm_`'s return value for a norm rule,
    /// the global L2 norm otherwise.
    public let totalNorm: Double
    /// False when the step must be skipped (non-finite norm under the `skip` policy).
    public let shouldStep: Bool
    /// The factor the gradients were multiplied by (norm rules; the smallest for per-parameter).
    public let scale: Double?
}

/// Clips gradients by a rule, applies the non-finite policy and keeps statistics.
public final class GradientClipper {
    /// The rule, or nil to only measure the norm and apply the policy.
    public let rule: ClipRule?
    public let nonFinite: NonFinitePolicy
    public private(set) var statistics = ClipStatistics()

    /// - Throws: for `max_norm` or `clip_value` ≤ 0 or not finite.
    public init(rule: ClipRule?, nonFinite: NonFinitePolicy = .skip) throws(HyperparameterError) {
        switch rule {
        case .norm(let m, _), .perParameter(let m):
            try HyperparameterError.check(m > 0 && m.isFinite, "clip", "max_norm", "a finite number > 0", m)
        case .value(let c):
            try HyperparameterError.check(c > 0 && c.isFinite, "clip", "clip_value", "a finite number > 0", c)
        case nil: break
        }
        self.rule = rule
        self.nonFinite = nonFinite
    }

    /// `min(1, maxNorm / (norm + 1e-6))`, NaN when the norm is NaN (PyTorch's `clamp` keeps NaN;
    /// `Swift.min` would turn it into 1).
    static func coefficient(_ maxNorm: Double, _ norm: Double) -> Double {
        let c = maxNorm / (norm + 1e-6)
        return c.isNaN ? c : Swift.min(1, c)
    }

    /// Whether `clip` must see the gradients before the optimizer step: a rule changes them, and
    /// the `error` and `skip` policies decide whether the step happens. Without either, the norm
    /// is only recorded, and `record(totalNorm:)` may take it after the step.
    public var needsNormBeforeStep: Bool { rule != nil || nonFinite != .propagate }

    /// Counts a step that `clip` did not see (only when `needsNormBeforeStep` is false) with the
    /// gradients' total L2 norm, as `clip` would have: the step is taken, nothing is scaled.
    public func record(totalNorm: Double) -> ClipOutcome {
        precondition(!needsNormBeforeStep, "GradientClipper.record: a rule or a non-propagate policy needs clip() before the step")
        statistics.steps += 1
        if totalNorm.isFinite { statistics.largestNorm = Swift.max(statistics.largestNorm, totalNorm) }
        return ClipOutcome(totalNorm: totalNorm, shouldStep: true, scale: nil)
    }

    /// Clips the gradients of `parameters` (named for error messages) in place.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func clip<Scalar>(_ parameters: [(name: String, variable: Variable<Scalar>)]) throws(NonFiniteGradientError) -> ClipOutcome {
        let withGrad = parameters.filter { $0.variable.grad != nil }
        // Σ g² per parameter, as backward took it where it did (`Variable.sumsGradientSquares`).
        let squares = withGrad.map { $0.variable.gradientSquares ?? $0.variable.grad!.sumOfSquares() }
        let norms = squares.map { $0.squareRoot() }
        var total = squares.reduce(0, +).squareRoot()
        if case .norm(_, .infinity) = rule {
            // maxAll() returns NaN when any element is NaN; keep it (Swift.max would drop it).
            total = withGrad.reduce(0) { acc, p in
                let m = Double(p.variable.grad!.abs().maxAll())
                return acc.isNaN || m.isNaN ? .nan : Swift.max(acc, m)
            }
        }
        statistics.steps += 1
        if !total.isFinite {
            switch nonFinite {
            case .error:
                let culprit = withGrad.first { !$0.variable.grad!.isFinite }?.name ?? "?"
                throw NonFiniteGradientError(parameter: culprit, totalNorm: total)
            case .skip:
                statistics.skippedSteps += 1
                return ClipOutcome(totalNorm: total, shouldStep: false, scale: nil)
            case .propagate: break
            }
        } else {
            statistics.largestNorm = Swift.max(statistics.largestNorm, total)
        }
        var scale: Double?
        switch rule {
        case .norm(let maxNorm, _):
            let s = GradientClipper.coefficient(maxNorm, total)
            for p in withGrad { p.variable.grad!.scale(by: Scalar(s)) }
            scale = s
        case .perParameter(let maxNorm):
            var smallest = 1.0
            for (p, norm) in zip(withGrad, norms) {
                let s = GradientClipper.coefficient(maxNorm, norm)
                if !(s >= 1) { p.variable.grad!.scale(by: Scalar(s)) }
                smallest = s.isNaN || smallest.isNaN ? .nan : Swift.min(smallest, s)
            }
            scale = smallest
        case .value(let c):
            var clamped = false
            for p in withGrad {
                let g = p.variable.grad!
                if Double(g.abs().maxAll()) > c { clamped = true }
                p.variable.grad = g.clamped(min: Scalar(-c), max: Scalar(c))
            }
            if clamped { statistics.clippedSteps += 1 }
        case nil: break
        }
        if let scale {
            if scale < 1 { statistics.clippedSteps += 1 }
            if scale.isFinite {
                statistics.scaleSum += scale
                statistics.scaledSteps += 1
                statistics.minimumScale = Swift.min(statistics.minimumScale, scale)
            }
        }
        return ClipOutcome(totalNorm: total, shouldStep: true, scale: scale)
    }
}
