import Autodiff
import Optimizers
import TensorCore
import XCTest

final class HyperparameterTests: XCTestCase {
    let p = [Variable(Tensor<Float>([1, 2]), requiresGrad: true)]

    func assertRejected(_ message: String, line: UInt = #line, _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), line: line) { XCTAssertEqual("\($0)", message, line: line) }
    }

    func testBadValuesAreRejectedByName() {
        assertRejected("sgd: lr must be a finite number ≥ 0, got -0.1") { _ = try SGD(parameters: p, learningRate: -0.1) }
        assertRejected("sgd: momentum must be > 0 with nesterov, got 0.0") { _ = try SGD(parameters: p, learningRate: 0.1, nesterov: true) }
        assertRejected("adam: betas[0] must be in [0, 1), got 1.0") { _ = try Adam(parameters: p, betas: (1, 0.999)) }
        assertRejected("adam: betas[1] must be in [0, 1), got -0.5") { _ = try Adam(parameters: p, betas: (0.9, -0.5)) }
        assertRejected("adamw: eps must be > 0, got 0.0") { _ = try AdamW(parameters: p, epsilon: 0) }
        assertRejected("rmsprop: alpha must be in [0, 1], got 1.5") { _ = try RMSprop(parameters: p, alpha: 1.5) }
        assertRejected("adagrad: eps must be > 0, got -1.0") { _ = try Adagrad(parameters: p, epsilon: -1) }
        assertRejected("adagrad: lr must be a finite number ≥ 0, got nan") { _ = try Adagrad(parameters: p, learningRate: .nan) }
        assertRejected("clip: max_norm must be a finite number > 0, got 0.0") { _ = try GradientClipper(rule: .norm(maxNorm: 0)) }
        assertRejected("clip: max_norm must be a finite number > 0, got -1.0") { _ = try GradientClipper(rule: .perParameter(maxNorm: -1)) }
        assertRejected("clip: clip_value must be a finite number > 0, got inf") { _ = try GradientClipper(rule: .value(clipValue: .infinity)) }
    }

    func testDefaultsArePyTorchs() throws {
        let adam = try Adam(parameters: p)
        XCTAssertEqual([adam.learningRate, adam.beta1, adam.beta2, adam.epsilon, adam.weightDecay], [1e-3, 0.9, 0.999, 1e-8, 0])
        XCTAssertEqual(try AdamW(parameters: p).weightDecay, 0.01)
        let rms = try RMSprop(parameters: p)
        XCTAssertEqual([rms.learningRate, rms.alpha, rms.epsilon], [0.01, 0.99, 1e-8])
        let ada = try Adagrad(parameters: p)
        XCTAssertEqual([ada.learningRate, ada.epsilon], [0.01, 1e-10])
    }
}
