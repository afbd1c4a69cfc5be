import Datasets
import TensorCore
import XCTest

final class DigitsTests: XCTestCase {
    func testEmbeddedDigitsLoad() throws {
        let (x, y): (Tensor<Float>, Tensor<Float>) = try Digits.load()
        XCTAssertEqual(x.shape, [1797, 64])
        XCTAssertEqual(y.shape, [1797])
        XCTAssertEqual(x.scalars.min(), 0)
        XCTAssertEqual(x.scalars.max(), 1)
        // The first image of the file is a 0 whose third pixel is 5/16.
        XCTAssertEqual(y.scalars[0], 0)
        XCTAssertEqual(x[0, 2], 5.0 / 16)
        let counts = Dictionary(grouping: y.scalars, by: { $0 }).mapValues(\.count)
        XCTAssertEqual(counts.keys.sorted(), (0..<10).map(Float.init))
        XCTAssertTrue(counts.values.allSatisfy { (174...183).contains($0) }, "\(counts)")
    }

    func testSplitIsSeededAndDisjoint() throws {
        let (x, y): (Tensor<Double>, Tensor<Double>) = try Digits.load()
        let data = InMemoryDataset(inputs: x, targets: y)
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
        let (train, test) = data.split(testFraction: 0.2, using: &a)
        XCTAssertEqual(test.count, 359)
        XCTAssertEqual(train.count + test.count, 1797)
        XCTAssertEqual(data.split(testFraction: 0.2, using: &b).test.inputs, test.inputs)
        let trainRows = Set((0..<train.count).map { train.inputs.slice(axis: 0, $0 ..< $0 + 1).scalars })
        let overlap = (0..<test.count).filter { trainRows.contains(test.inputs.slice(axis: 0, $0 ..< $0 + 1).scalars) }.count
        XCTAssertLessThan(overlap, 5, "digits has a few duplicate images, not more")
    }

    func testGzipErrorsNameTheSource() {
        XCTAssertThrowsError(try Gzip.decompress([0x1F, 0x8B, 8, 0, 0, 0], source: "x.gz")) { error in
            XCTAssertEqual("\(error)", "x.gz: gzip data ends early (truncated file?)")
        }
        XCTAssertThrowsError(try Gzip.decompress(Array("not gzip at all".utf8), source: "y.gz")) { error in
            XCTAssertTrue("\(error)".hasPrefix("y.gz: corrupt gzip data"), "\(error)")
        }
    }
}
