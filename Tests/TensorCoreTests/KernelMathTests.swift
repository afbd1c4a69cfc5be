import TensorCore
import XCTest

final class KernelMathTests: XCTestCase {
    /// Relative error against double-precision libm on a dense grid, in units of Float's ulp.
    private func worstULPs(_ f: (Float) -> Float, _ reference: (Double) -> Double, over range: ClosedRange<Float>) -> Double {
        var worst = 0.0
        var x = range.lowerBound
        while x <= range.upperBound {
            let exact = reference(Double(x))
            let ulp = Double(Float(exact).ulp)
            worst = Swift.max(worst, Swift.abs(Double(f(x)) - exact) / ulp)
            x += 0.00731
        }
        return worst
    }

    func testFloatKernelsAreWithinTwoAndAHalfULPs() {
        XCTAssertLessThanOrEqual(worstULPs(Float.kernelExp, Double.exp, over: -87...88), 2.5)
        XCTAssertLessThanOrEqual(worstULPs(Float.kernelSigmoid, { 1 / (1 + .exp(-$0)) }, over: -87...40), 2.5)
        XCTAssertLessThanOrEqual(worstULPs(Float.kernelTanh, Double.tanh, over: -20...20), 2.5)
    }

    func testTinyArgumentsKeepRelativeAccuracy() {
        for x: Float in [1e-30, -3e-8, 1e-4, -0.3] {
            XCTAssertEqual(Float.kernelTanh(x), Float(Double.tanh(Double(x))), accuracy: 2 * Swift.abs(x).ulp, "\(x)")
        }
        XCTAssertEqual(Float.kernelSigmoid(-80), Float(1 / (1 + Double.exp(80))), accuracy: Float(1.9e-35).ulp * 2)
    }

    func testSaturationAndNaN() {
        XCTAssertEqual(Float.kernelSigmoid(1000), 1)
        XCTAssertEqual(Float.kernelSigmoid(-1000), 0, accuracy: 1e-37)
        XCTAssertEqual(Float.kernelTanh(1000), 1)
        XCTAssertEqual(Float.kernelTanh(-.infinity), -1)
        XCTAssertEqual(Float.kernelExp(0), 1)
        XCTAssertTrue(Float.kernelExp(.nan).isNaN)
        XCTAssertTrue(Float.kernelSigmoid(.nan).isNaN)
        XCTAssertTrue(Float.kernelTanh(.nan).isNaN)
    }

    func testDoubleUsesLibm() {
        XCTAssertEqual(Double.kernelTanh(0.3), Double.tanh(0.3))
        XCTAssertEqual(Double.kernelSigmoid(-800), 0)
    }
}
