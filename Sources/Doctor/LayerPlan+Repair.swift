import Vocabulary
import Experiments
import Layers
import TensorCore

/// Rewrites of a model's layer list that the remedies use.
extension LayerPlan {
    var isNormalization: Bool {
        switch self {
        case .plain(.batchNorm1d), .plain(.layerNorm): true
        case .residual(let body): body.contains(where: \.isNormalization)
        default: false
        }
    }

    /// The same layer with `initial` for its weights (linear and recurrent layers, also inside shortcuts).
    func withInit(_ initial: WeightInit) -> LayerPlan {
        switch self {
        case .linear(let i, let o, let b, _): return .linear(inFeatures: i, outFeatures: o, bias: b, init: initial)
        case .recurrent(var plan):
            plan.`init` = initial
            return .recurrent(plan)
        case .residual(let body): return .residual(body: body.map { $0.withInit(initial) })
        case .plain: return self
        }
    }

    /// The same layer with its recurrent plan changed by `change` (other layers unchanged).
    func changingRecurrent(_ change: (inout RecurrentPlan) -> Void) -> LayerPlan {
        switch self {
        case .recurrent(var plan):
            change(&plan)
            return .recurrent(plan)
        case .residual(let body): return .residual(body: body.map { $0.changingRecurrent(change) })
        default: return self
        }
    }

    /// The recurrent layer's plan, if this is one.
    var recurrentPlan: RecurrentPlan? { if case .recurrent(let plan) = self { plan } else { nil } }

    func replacingActivations(_ from: Set<Activation>, with to: Activation) -> LayerPlan {
        switch self {
        case .plain(.activation(let f)) where from.contains(f): .plain(.activation(to))
        case .residual(let body): .residual(body: body.map { $0.replacingActivations(from, with: to) })
        default: self
        }
    }

    /// BatchNorm after every Linear that an activation follows.
    static func insertingBatchNorm(_ layers: [LayerPlan]) -> [LayerPlan] {
        var result: [LayerPlan] = []
        for (i, layer) in layers.enumerated() {
            switch layer {
            case .residual(let body): result.append(.residual(body: insertingBatchNorm(body)))
            default: result.append(layer)
            }
            if case .linear(_, let out, _, _) = layer, i + 1 < layers.count, layers[i + 1].activation != nil {
                result.append(.plain(.batchNorm1d(features: out, epsilon: 1e-5, momentum: 0.1)))
            }
        }
        return result
    }

    /// Each hidden block (Linear of unchanged width, its BatchNorm, activation and dropout) in a shortcut.
    static func wrappingResidual(_ layers: [LayerPlan]) -> [LayerPlan] {
        var result: [LayerPlan] = [], i = 0
        while i < layers.count {
            if case .linear(let inF, let outF, _, _) = layers[i], inF == outF, i + 1 < layers.count {
                var end = i + 1
                while end < layers.count, case .plain(let spec) = layers[end], spec.isBlockPart { end += 1 }
                if layers[(i + 1)..<end].contains(where: { $0.activation != nil }) {
                    result.append(.residual(body: Array(layers[i..<end])))
                    i = end
                    continue
                }
            }
            result.append(layers[i])
            i += 1
        }
        return result
    }

    /// The list without half of its hidden blocks of unchanged width (Linear + following
    /// non-Linear layers); nil when there are fewer than two such blocks.
    static func droppingHalfTheBlocks(_ layers: [LayerPlan]) -> [LayerPlan]? {
        var blocks: [Range<Int>] = [], i = 0
        while i < layers.count {
            if case .linear(let inF, let outF, _, _) = layers[i], inF == outF {
                var end = i + 1
                while end < layers.count, case .plain(let spec) = layers[end], spec.isBlockPart { end += 1 }
                if end < layers.count { blocks.append(i..<end) }
                i = end
            } else {
                i += 1
            }
        }
        guard blocks.count >= 2 else { return nil }
        let dropped = Set(blocks.suffix(blocks.count / 2).flatMap { Array($0) })
        return layers.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    }
}

extension LayerSpec {
    /// Activation, normalisation or dropout: what follows a Linear inside a block.
    var isBlockPart: Bool {
        switch self {
        case .activation, .batchNorm1d, .layerNorm, .dropout: true
        default: false
        }
    }
}
