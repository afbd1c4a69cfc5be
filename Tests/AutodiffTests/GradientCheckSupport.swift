import Autodiff
import TensorCore
import XCTest

/// Leaves of random values (requiring gradients) for finite-difference checks.
func leaves(_ shapes: [Int]..., seed: UInt64 = 3, positive: Bool = false) -> [Variable<Double>] {
    var rng = RandomGenerator(seed: seed)
    return shapes.map { shape in
        let t = positive
            ? Tensor<Double>.uniform(shape: shape, low: 0.5, high: 2, using: &rng)
            : Tensor<Double>.normal(shape: shape, using: &rng)
        return Variable(t, requiresGrad: true)
    }
}

/// Asserts every leaf's analytic gradient matches central differences to 1e-6 relative error.
func assertGradientsMatch(
    _ leaves: [Variable<Double>], _ label: String, file: StaticString = #filePath, line: UInt = #line,
    _ f: () -> Variable<Double>
) {
    let results = GradientCheck.check(leaves, f)
    for (i, r) in results.enumerated() {
        XCTAssertLessThan(r.relativeError, 1e-6, "\(label): input \(i)", file: file, line: line)
        XCTAssertGreaterThan(r.numeric.l2Norm(), 0, "\(label): input \(i) has a zero gradient: the check proves nothing", file: file, line: line)
    }
}
