import TensorCore
import XCTest

final class BroadcastingTests: XCTestCase {
    func testBroadcastShapeAlignsOnTheRight() throws {
        XCTAssertEqual(try Tensor<Float>.broadcastShape([3, 4], [4], operation: "add"), [3, 4])
        XCTAssertEqual(try Tensor<Float>.broadcastShape([2, 1, 4], [3, 1], operation: "add"), [2, 3, 4])
        XCTAssertEqual(try Tensor<Float>.broadcastShape([], [5], operation: "add"), [5])
    }

    func testMismatchNamesOperationAndBothShapes() {
        XCTAssertThrowsError(try Tensor<Float>.broadcastShape([3, 4], [3], operation: "add")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("add: shape mismatch between [3, 4] and [3]"), message)
            XCTAssertTrue(message.contains("dimension 1 is 4 in one and 3 in the other"), message)
        }
    }

    func testGeneralBroadcastMatchesExplicitLoops() {
        let a = Tensor<Double>(shape: [2, 1, 3], scalars: (0..<6).map(Double.init))
        let b = Tensor<Double>(shape: [4, 1], scalars: [10, 20, 30, 40])
        let c = a * b
        XCTAssertEqual(c.shape, [2, 4, 3])
        for i in 0..<2 { for j in 0..<4 { for k in 0..<3 {
            XCTAssertEqual(c[i, j, k], a[i, 0, k] * b[j, 0])
        } } }
    }

    func testRowAndScalarFastPathsAgreeWithGeneralPath() {
        let a = Tensor<Double>(shape: [3, 4], scalars: (0..<12).map { Double($0) * 0.5 })
        let row = Tensor<Double>([1, 2, 3, 4])
        let general = a + row.reshaped([1, 4])  // [1, 4] is not a suffix shape: general walk
        XCTAssertEqual((a + row).scalars, general.scalars)
        XCTAssertEqual((a + Tensor(2.0)).scalars, a.scalars.map { $0 + 2 })
        XCTAssertEqual((Tensor(2.0) - a).scalars, a.scalars.map { 2 - $0 })
    }

    func testSumToShapeIsTheAdjointOfBroadcast() {
        let g = Tensor<Double>(shape: [2, 3, 4], scalars: (0..<24).map(Double.init))
        let s = g.sum(toShape: [3, 1])
        XCTAssertEqual(s.shape, [3, 1])
        for j in 0..<3 {
            var expected = 0.0
            for i in 0..<2 { for k in 0..<4 { expected += g[i, j, k] } }
            XCTAssertEqual(s[j, 0], expected)
        }
        XCTAssertEqual(g.sum(toShape: [4]).scalars, (0..<4).map { k in (0..<6).reduce(0.0) { $0 + Double($1 * 4 + k) } })
        XCTAssertEqual(g.sum(toShape: []).scalar, (0..<24).reduce(0.0) { $0 + Double($1) })
        XCTAssertEqual(Tensor<Double>([1, 2]).broadcast(to: [3, 2]).scalars, [1, 2, 1, 2, 1, 2])
    }

    /// Float's row sum (a bias gradient) runs in a C kernel: the rows are added in order, so it
    /// is the same bits as the scalar loop, for widths that are and are not a multiple of the
    /// vector width.
    func testFloatRowSumsAreTheScalarLoopsBits() {
        var rng = RandomGenerator(seed: 5)
        for (rows, columns) in [(128, 256), (7, 19), (1, 3)] {
            let g = Tensor<Float>.normal(shape: [rows, columns], using: &rng)
            var expected = [Float](repeating: 0, count: columns)
            for r in 0..<rows { for j in 0..<columns { expected[j] += g.scalars[r * columns + j] } }
            XCTAssertEqual(g.sum(toShape: [columns]).scalars.map(\.bitPattern), expected.map(\.bitPattern), "\(rows)×\(columns)")
            XCTAssertEqual(g.sum(toShape: [1, columns]).shape, [1, columns])
        }
    }
}
