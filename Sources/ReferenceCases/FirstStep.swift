import Autodiff
import Layers
import Losses
import TensorCore

/// What one forward/backward pass of a reference case produced.
public struct StepResult<Scalar: TensorScalar> {
    public let output: Tensor<Scalar>
    public let loss: Double
    public let grads: [String: Tensor<Scalar>]

    public init(output: Tensor<Scalar>, loss: Double, grads: [String: Tensor<Scalar>]) {
        self.output = output
        self.loss = loss
        self.grads = grads
    }
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

    /// The loss function the case names.
    public func lossFunction() throws(ReferenceCaseError) -> Loss {
        guard let loss = Loss(rawValue: loss) else { throw .unsupported("loss \(self.loss)") }
        return loss
    }

    /// Step 0: forward, loss and backward from the initial parameters.
    public func firstStep<Scalar: TensorScalar>(as _: Scalar.Type = Scalar.self) throws(ReferenceCaseError) -> StepResult<Scalar> {
        let model: Sequential<Scalar> = try makeModel()
        let lossFunction = try lossFunction()
        let x = Variable<Scalar>(try input.tensor(field: "input"))
        let y: Tensor<Scalar> = try target.tensor(field: "target")
        do { _ = try model.outputShape(for: x.shape) } catch { throw .malformed(field: "model", reason: error.description) }
        let output = model(x)
        let loss = lossFunction(output, y)
        loss.backward()
        let grads = Dictionary(uniqueKeysWithValues: model.namedParameters().compactMap { name, p in
            p.grad.map { (name, $0) }
        })
        return StepResult(output: output.value, loss: Double(loss.value.scalar), grads: grads)
    }

    /// Step 0's output, loss and gradients compared with `expected` (worst field first).
    public func compareFirstStep<Scalar: TensorScalar>(_ result: StepResult<Scalar>) -> [FieldComparison] {
        func compare(_ field: String, _ got: Tensor<Scalar>?, _ want: TensorData) -> FieldComparison {
            guard let got, got.shape == want.shape else { return FieldComparison(field: field, worstRatio: .infinity) }
            return FieldComparison(field: field, worstRatio: tolerance.worstRatio(got.scalars.map(Double.init), want.data))
        }
        var fields = [compare("output", result.output, expected.output)]
        fields.append(FieldComparison(
            field: "loss[0]", worstRatio: tolerance.worstRatio([result.loss], [expected.loss[0]])))
        for (name, want) in expected.grads.sorted(by: { $0.key < $1.key }) {
            fields.append(compare("grads.\(name)", result.grads[name], want))
        }
        return fields.sorted { $0.worstRatio > $1.worstRatio }
    }
}
