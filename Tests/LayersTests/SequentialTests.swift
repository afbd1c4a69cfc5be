import Autodiff
import Layers
import Losses
import TensorCore
import XCTest

final class SequentialTests: XCTestCase {
    func makeMLP<S: TensorScalar>(_ activation: Activation = .tanh, seed: UInt64 = 4) -> Sequential<S> {
        var rng = RandomGenerator(seed: seed)
        return Sequential(Linear(5, 6, using: &rng), ActivationLayer(activation), Linear(6, 6, using: &rng),
                          ActivationLayer(activation), Linear(6, 3, using: &rng))
    }

    func testParametersHavePyTorchStateDictNames() {
        let model: Sequential<Float> = makeMLP()
        XCTAssertEqual(model.namedParameters().map(\.name),
                       ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
        XCTAssertEqual(model.namedModules().map(\.path), ["", "0", "1", "2", "3", "4"])
    }

    func testStateDictRoundTripAcrossScalarTypes() throws {
        let source: Sequential<Double> = makeMLP(seed: 1)
        let target: Sequential<Float> = makeMLP(seed: 2)
        try target.loadStateDict(source.stateDict())
        for (name, t) in target.stateDict() {
            XCTAssertEqual(t, Tensor<Float>(source.stateDict()[name]!), name)
        }
    }

    func testStateDictErrorsNameTheParameter() {
        let model: Sequential<Float> = makeMLP()
        var state = model.stateDict()
        state["2.weight"] = Tensor(zeros: [6, 5])
        XCTAssertThrowsError(try model.loadStateDict(state)) { error in
            XCTAssertEqual("\(error)", "state dict: parameter 2.weight has shape [6, 5], the model needs [6, 6]")
        }
        var missing = model.stateDict()
        missing["4.bias"] = nil
        XCTAssertThrowsError(try model.loadStateDict(missing)) { XCTAssertEqual("\($0)", "state dict: missing parameters 4.bias") }
        var extra = model.stateDict()
        extra["9.weight"] = Tensor(zeros: [1])
        XCTAssertThrowsError(try model.loadStateDict(extra)) { XCTAssertEqual("\($0)", "state dict: unexpected parameters 9.weight") }
        XCTAssertNoThrow(try model.loadStateDict(missing, strict: false))
    }

    func testWholeModelGradientsMatchFiniteDifferences() {
        for activation: Activation in [.sigmoid, .gelu, .elu(alpha: 1)] {
            let model: Sequential<Double> = makeMLP(activation)
            var rng = RandomGenerator(seed: 9)
            let x = Variable(Tensor<Double>.normal(shape: [7, 5], using: &rng))
            let labels = Tensor<Double>([0, 1, 2, 2, 1, 0, 1])
            let results = GradientCheck.check(model.parameters) { Loss.crossEntropy(model(x), labels) }
            for (r, name) in zip(results, model.namedParameters().map(\.name)) {
                XCTAssertLessThan(r.relativeError, 1e-6, "\(activation.name) \(name)")
            }
        }
    }

    func testTrainEvalSwitchReachesEveryLayer() {
        let model: Sequential<Float> = makeMLP()
        model.eval()
        XCTAssertTrue(model.namedModules().allSatisfy { !$0.module.isTraining })
        model.train()
        XCTAssertTrue(model.namedModules().allSatisfy { $0.module.isTraining })
    }
}
