import Autodiff
import Losses
import TensorCore
import XCTest

final class LossTests: XCTestCase {
    func leaf(_ shape: [Int], seed: UInt64 = 4, scale: Double = 1) -> Variable<Double> {
        var rng = RandomGenerator(seed: seed)
        return Variable(Tensor<Double>.normal(shape: shape, std: scale, using: &rng), requiresGrad: true)
    }

    func assertGradientMatches(_ x: Variable<Double>, _ label: String, _ f: () -> Variable<Double>) {
        let r = GradientCheck.check([x], f)[0]
        XCTAssertLessThan(r.relativeError, 1e-6, label)
        XCTAssertGreaterThan(r.numeric.l2Norm(), 0, label)
    }

    func testMeanSquaredError() {
        let p = leaf([5, 3]), t = leaf([5, 3], seed: 8).value
        assertGradientMatches(p, "mse") { Loss.mse(p, t) }
        XCTAssertEqual(Loss.mse(p, t).value.scalar, (p.value - t).squared().meanAll(), accuracy: 1e-14)
    }

    func testCrossEntropy() {
        let logits = leaf([6, 4], scale: 3)
        let labels = Tensor<Double>([0, 3, 1, 1, 2, 0])
        assertGradientMatches(logits, "cross_entropy") { Loss.crossEntropy(logits, labels) }
        // Uniform logits: loss is log(classes).
        let flat = Variable(Tensor<Double>(zeros: [2, 4]))
        XCTAssertEqual(crossEntropy(logits: flat, labels: [1, 2]).value.scalar, Double.log(4), accuracy: 1e-14)
    }

    func testBinaryCrossEntropyWithLogits() {
        let logits = leaf([4, 2], scale: 2)
        let targets = Tensor<Double>(shape: [4, 2], scalars: [0, 1, 1, 0, 1, 1, 0, 0])
        assertGradientMatches(logits, "bce_with_logits") { Loss.bceWithLogits(logits, targets) }
    }

    func testLogitsOfPlusMinusHundredStayFinite() {
        let logits = Variable(Tensor<Float>(shape: [2, 2], scalars: [100, -100, -100, 100]), requiresGrad: true)
        let ce = crossEntropy(logits: logits, labels: [1, 0])
        XCTAssertEqual(ce.value.scalar, 200, accuracy: 1e-3)
        ce.backward()
        XCTAssertTrue(logits.grad!.isFinite)
        let bce = binaryCrossEntropyWithLogits(
            Variable(Tensor<Float>([100, -100, 100, -100])), Tensor<Float>([1, 0, 0, 1]))
        XCTAssertEqual(bce.value.scalar, 50, accuracy: 1e-3)  // (0 + 0 + 100 + 100) / 4
    }

    func testLossNamesMatchTheFileVocabulary() {
        XCTAssertEqual(Loss(rawValue: "cross_entropy"), .crossEntropy)
        XCTAssertEqual(Loss(rawValue: "bce_with_logits"), .bceWithLogits)
        XCTAssertEqual(Loss(rawValue: "mse"), .mse)
        XCTAssertNil(Loss(rawValue: "hinge"))
    }
}
