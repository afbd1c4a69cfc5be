import Autodiff
import Optimizers
import TensorCore
import XCTest

final class L2PenaltyTests: XCTestCase {
    func testWeightsOnlyValueAndGradient() {
        var rng = RandomGenerator(seed: 1)
        let w = Variable(Tensor<Double>.normal(shape: [3, 2], using: &rng), requiresGrad: true)
        let hh = Variable(Tensor<Double>.normal(shape: [2, 2], using: &rng), requiresGrad: true)
        let b = Variable(Tensor<Double>.normal(shape: [3], using: &rng), requiresGrad: true)
        let named = [("0.weight", w), ("0.bias", b), ("1.weight_hh_l0", hh)]
        let penalty = l2Penalty(named, lambda: 0.3)
        XCTAssertEqual(penalty.value.scalar, 0.3 * (w.value.squared().sumAll() + hh.value.squared().sumAll()), accuracy: 1e-14)
        let results = GradientCheck.check([w, hh]) { l2Penalty(named, lambda: 0.3) }
        for r in results { XCTAssertLessThan(r.relativeError, 1e-6) }
        penalty.backward()
        XCTAssertNil(b.grad, "biases are not regularised")
        XCTAssertTrue(isWeight("3.weight") && isWeight("0.weight_ih_l0") && !isWeight("0.bias") && !isWeight("weights.bias"))
    }
}
