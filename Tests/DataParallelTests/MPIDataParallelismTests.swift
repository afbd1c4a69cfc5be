import DataParallel
import XCTest

final class MPIDataParallelismTests: XCTestCase {
    func testRowsPartitionEveryBatch() {
        for count in [1, 2, 7, 32, 33] {
            for size in 1...4 where size <= count {
                let parts = (0..<size).map { MPIDataParallelism.rows(of: count, rank: $0, size: size) }
                XCTAssertEqual(parts.first?.lowerBound, 0)
                XCTAssertEqual(parts.last?.upperBound, count)
                for (a, b) in zip(parts, parts.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
                XCTAssertLessThanOrEqual(parts.map(\.count).max()! - parts.map(\.count).min()!, 1, "shares differ by at most one row")
            }
        }
    }

    func testAPlainRunHasNoWorld() throws {
        XCTAssertNil(try MPIWorld.fromEnvironment([:]))
        XCTAssertNil(try MPIWorld.fromEnvironment(["OMPI_COMM_WORLD_SIZE": "1"]), "one process is a plain run")
    }
}
