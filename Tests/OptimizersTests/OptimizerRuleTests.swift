import Autodiff
import Optimizers
import TensorCore
import XCTest

/// Update rules checked by hand on one scalar parameter with a constant gradient.
final class OptimizerRuleTests: XCTestCase {
    func run(_ make: ([Variable<Double>]) throws -> Optimizer<Double>, steps: Int, gradient: Double = 0.5) throws -> Double {
        let w = Variable(Tensor<Double>([1]), requiresGrad: true)
        let optimizer = try make([w])
        for _ in 0..<steps {
            w.grad = Tensor([gradient])
            optimizer.step()
        }
        return w.value.scalars[0]
    }

    func testSGDWithMomentum() throws {
        // b1 = g = 0.5; b2 = 0.9·0.5 + 0.5 = 0.95; w = 1 − 0.1·(0.5 + 0.95).
        XCTAssertEqual(try run({ try SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }, steps: 2), 1 - 0.1 * 1.45, accuracy: 1e-15)
    }

    func testAdamFirstStepMovesByLearningRate() throws {
        // After bias correction the first Adam step is lr · g/|g| (up to eps).
        XCTAssertEqual(try run({ try Adam(parameters: $0, learningRate: 0.01) }, steps: 1), 0.99, accuracy: 1e-9)
    }

    func testAdamWDecaysWeightsBeforeTheStep() throws {
        let adam = try run({ try Adam(parameters: $0, learningRate: 0.01) }, steps: 1)
        let adamw = try run({ try AdamW(parameters: $0, learningRate: 0.01, weightDecay: 0.5) }, steps: 1)
        XCTAssertEqual(adamw, 1 * (1 - 0.01 * 0.5) - 0.01, accuracy: 1e-9)
        XCTAssertNotEqual(adam, adamw)
    }

    func testAdagradDecaysItsLearningRate() throws {
        // Step 1: s = 0.25, w −= 0.1·0.5/0.5; step 2: lr 0.1/(1 + 0.5), s = 0.5.
        let expected = 1 - 0.1 - (0.1 / 1.5) * 0.5 / 0.5.squareRoot()
        XCTAssertEqual(try run({ try Adagrad(parameters: $0, learningRate: 0.1, learningRateDecay: 0.5) }, steps: 2), expected, accuracy: 1e-9)
    }

    func testRMSpropPlain() throws {
        // v = 0.01·0.25; w −= 0.01·0.5/(√v + 1e-8).
        let v = 0.01 * 0.25
        XCTAssertEqual(try run({ try RMSprop(parameters: $0) }, steps: 1), 1 - 0.01 * 0.5 / (v.squareRoot() + 1e-8), accuracy: 1e-12)
    }

    func testParametersWithoutGradientAreLeftAlone() throws {
        let a = Variable(Tensor<Double>([1]), requiresGrad: true), b = Variable(Tensor<Double>([1]), requiresGrad: true)
        let optimizer = try Adam(parameters: [a, b])
        a.grad = Tensor([1])
        optimizer.step()
        XCTAssertEqual(b.value.scalars, [1])
        XCTAssertEqual(optimizer.parameterSteps, [1, 0])
        XCTAssertNotNil(optimizer.state["exp_avg"]![0])
        XCTAssertNil(optimizer.state["exp_avg"]![1])
    }
}

final class OptimizerStateTests: XCTestCase {
    func testRMSpropCreatesOnlyTheBuffersItUses() throws {
        let w = Variable(Tensor<Double>([1, 2]), requiresGrad: true)
        let plain = try RMSprop(parameters: [w])
        w.grad = Tensor([0.1, 0.2])
        plain.step()
        XCTAssertNotNil(plain.state["square_avg"]![0])
        XCTAssertNil(plain.state["grad_avg"]![0])
        XCTAssertNil(plain.state["momentum_buffer"]![0])
        let full = try RMSprop(parameters: [w], momentum: 0.5, centered: true)
        full.step()
        XCTAssertNotNil(full.state["grad_avg"]![0])
        XCTAssertNotNil(full.state["momentum_buffer"]![0])
    }
}
