import TensorCore
import XCTest

final class KernelMathTests: XCTestCase {
    /// A dense grid over `range`, run through a whole-array kernel.
    private func grid(_ range: ClosedRange<Float>, step: Float = 0.00731) -> [Float] {
        Array(stride(from: range.lowerBound, through: range.upperBound, by: step))
    }

    private func apply(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void, _ x: [Float]) -> [Float] {
        var y = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { kernel(px.baseAddress!, $0.baseAddress!, x.count) } }
        return y
    }

    /// The worst error against double-precision libm, in units of the exact result's Float ulp.
    private func worstULPs(_ x: [Float], _ y: [Float], _ exact: (Double) -> Double) -> Double {
        zip(x, y).map { x, y in
            let e = exact(Double(x))
            return Swift.abs(Double(y) - e) / Double(Float(e).ulp)
        }.max()!
    }

    func testFloatKernelsAreWithinTwoAndAHalfULPs() {
        let sigmoidGrid = grid(-87...40), tanhGrid = grid(-20...20)
        XCTAssertLessThanOrEqual(worstULPs(sigmoidGrid, apply(Float.vectorSigmoid, sigmoidGrid), { 1 / (1 + .exp(-$0)) }), 2.5)
        XCTAssertLessThanOrEqual(worstULPs(tanhGrid, apply(Float.vectorTanh, tanhGrid), Double.tanh), 2.5)
    }

    func testInPlaceGivesTheSameResultAsOutOfPlace() {
        var x = grid(-9...9, step: 0.37)
        let out = apply(Float.vectorTanh, x)
        x.withUnsafeMutableBufferPointer { Float.vectorTanh($0.baseAddress!, into: $0.baseAddress!, count: $0.count) }
        XCTAssertEqual(x, out)
    }

    func testTinyArgumentsKeepRelativeAccuracy() {
        let x: [Float] = [1e-30, -3e-8, 1e-4, -0.3]
        for (x, y) in zip(x, apply(Float.vectorTanh, x)) {
            XCTAssertEqual(y, Float(Double.tanh(Double(x))), accuracy: 2 * Swift.abs(x).ulp, "\(x)")
        }
        XCTAssertEqual(apply(Float.vectorSigmoid, [-80])[0], Float(1 / (1 + Double.exp(80))), accuracy: Float(1.9e-35).ulp * 2)
    }

    func testSaturationAndNaN() {
        XCTAssertEqual(apply(Float.vectorSigmoid, [1000, -1000, 0]), [1, apply(Float.vectorSigmoid, [-1000])[0], 0.5])
        XCTAssertLessThan(apply(Float.vectorSigmoid, [-1000])[0], 1e-37)
        XCTAssertEqual(apply(Float.vectorTanh, [1000, -.infinity, 0]), [1, -1, 0])
        XCTAssertTrue(apply(Float.vectorSigmoid, [.nan])[0].isNaN)
        XCTAssertTrue(apply(Float.vectorTanh, [.nan])[0].isNaN)
    }

    func testTensorPathUsesTheKernelAndDoubleUsesLibm() {
        let x = Tensor<Float>([-2, 0.1, 3])
        XCTAssertEqual(x.applying(.sigmoid).scalars, apply(Float.vectorSigmoid, x.scalars))
        XCTAssertEqual(Tensor<Double>([0.3]).applying(.tanh).scalars, [Double.tanh(0.3)])
        XCTAssertTrue(["avx512", "avx2", "baseline"].contains(vectorISA))
    }

    func testAllocatorTuningApplies() {
        #if os(Linux)
        XCTAssertTrue(AllocatorTuning.keepFreedMemory())
        #endif
    }
}
