import Vocabulary
import Autodiff
import Layers
import Losses
import Optimizers
import TensorCore

/// What a reference case's run produced, field by field as `expected` names them.
public struct RunResult<Scalar: TensorScalar> {
    /// The output at step 0.
    public var output: Tensor<Scalar>
    /// The loss before each step.
    public var losses: [Double]
    /// Step 0's gradients, before clipping.
    public var grads: [String: Tensor<Scalar>]
    /// The norm before clipping at each step.
    public var totalNorms: [Double]
    /// Every parameter after the last step.
    public var paramsAfter: [String: Tensor<Scalar>]
}

/// One compared field: its name and the worst tolerance ratio (≤ 1 passes).
public struct FieldComparison: Sendable {
    public let field: String
    public let worstRatio: Double
    public var passed: Bool { worstRatio <= 1 }
}

extension ReferenceCase {
    /// The model with the case's initial parameters.
    public func makeModel<Scalar: TensorScalar>() throws(ReferenceCaseError) -> Sequential<Scalar> {
        var rng = RandomGenerator(seed: 0)
        let model: Sequential<Scalar>
        do { model = try LayerSpec.buildModel(self.model, using: &rng) } catch {
            switch error {
            case .unsupported(let layer, _): throw .unsupported(layer)
            case .invalid: throw .malformed(field: "model", reason: error.description)
            }
        }
        var state: [String: Tensor<Scalar>] = [:]
        for (name, data) in params { state[name] = try data.tensor(field: "params.\(name)") }
        do { try model.loadStateDict(state) } catch { throw .malformed(field: "params", reason: error.description) }
        return model
    }

    /// Runs `steps` full-batch steps (default: the case's): zero grads, forward, loss,
    /// backward, clip, optimizer step. Without a `clip`, the norm is measured and NaN propagates
    /// as in PyTorch.
    public func run<Scalar: TensorScalar>(as _: Scalar.Type = Scalar.self, steps: Int? = nil) throws(ReferenceCaseError) -> RunResult<Scalar> {
        let model: Sequential<Scalar> = try makeModel()
        guard let lossFunction = Loss(rawValue: loss) else { throw .unsupported("loss \(loss)") }
        let x = Variable<Scalar>(try input.tensor(field: "input"))
        let y: Tensor<Scalar> = try target.tensor(field: "target")
        let outputShape: [Int]
        do { outputShape = try model.outputShape(for: x.shape) } catch { throw .malformed(field: "model", reason: error.description) }
        do { try lossFunction.checkTarget(prediction: outputShape, y) } catch { throw .malformed(field: "target", reason: error.description) }
        let named = model.namedParameters()
        let optimizer: Optimizer<Scalar>
        let clipper: GradientClipper
        do {
            optimizer = try self.optimizer.make(named.map(\.variable))
            clipper = try clip?.makeClipper() ?? GradientClipper(rule: nil, nonFinite: .propagate)
        } catch { throw .malformed(field: "optimizer/clip", reason: "\(error)") }

        var result = RunResult<Scalar>(output: Tensor(zeros: [0]), losses: [], grads: [:], totalNorms: [], paramsAfter: [:])
        for step in 0..<(steps ?? self.steps) {
            optimizer.zeroGrad()
            let output = model(x)
            let lossValue = lossFunction(output, y)
            lossValue.backward()
            result.losses.append(Double(lossValue.value.scalar))
            if step == 0 {
                result.output = output.value
                result.grads = Dictionary(uniqueKeysWithValues: named.compactMap { n, p in p.grad.map { (n, $0) } })
            }
            let outcome: ClipOutcome
            do { outcome = try clipper.clip(named) } catch { throw .malformed(field: "step \(step)", reason: error.description) }
            result.totalNorms.append(outcome.totalNorm)
            if outcome.shouldStep { optimizer.step() }
        }
        result.paramsAfter = model.stateDict()
        return result
    }

    /// The run compared with `expected`, worst field first. With `firstStepOnly`, only the
    /// output, the first loss and the step-0 gradients are compared.
    public func compare<Scalar: TensorScalar>(_ result: RunResult<Scalar>, firstStepOnly: Bool = false) -> [FieldComparison] {
        func tensor(_ field: String, _ got: Tensor<Scalar>?, _ want: TensorData) -> FieldComparison {
            guard let got, got.shape == want.shape else { return FieldComparison(field: field, worstRatio: .infinity) }
            return FieldComparison(field: field, worstRatio: tolerance.worstRatio(got.scalars.map(Double.init), want.data))
        }
        func series(_ field: String, _ got: [Double], _ want: [Double]) -> FieldComparison {
            guard got.count >= want.count else { return FieldComparison(field: field, worstRatio: .infinity) }
            return FieldComparison(field: field, worstRatio: tolerance.worstRatio(Array(got.prefix(want.count)), want))
        }
        var fields = [tensor("output", result.output, expected.output)]
        fields.append(series("loss", result.losses, firstStepOnly ? [expected.loss[0]] : expected.loss))
        for (name, want) in expected.grads.sorted(by: { $0.key < $1.key }) {
            fields.append(tensor("grads.\(name)", result.grads[name], want))
        }
        if !firstStepOnly {
            if let norms = expected.totalNorm { fields.append(series("total_norm", result.totalNorms, norms)) }
            for (name, want) in expected.paramsAfter.sorted(by: { $0.key < $1.key }) {
                fields.append(tensor("params_after.\(name)", result.paramsAfter[name], want))
            }
        }
        return fields.sorted { $0.worstRatio > $1.worstRatio }
    }
}
