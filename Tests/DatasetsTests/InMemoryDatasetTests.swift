import Datasets
import TensorCore
import XCTest

final class InMemoryDatasetTests: XCTestCase {
    let data = InMemoryDataset(
        inputs: Tensor<Float>(shape: [10, 2], scalars: (0..<20).map(Float.init)),
        targets: Tensor<Float>((0..<10).map(Float.init)))

    func testEpochVisitsEverySampleOnceWithRowsKeptTogether() {
        var rng = RandomGenerator(seed: 1)
        let batches = data.epoch(batchSize: 4, using: &rng)
        XCTAssertEqual(batches.map(\.count), [4, 4, 2])
        XCTAssertEqual(data.batchCount(batchSize: 4), 3)
        let labels = batches.flatMap(\.targets.scalars)
        XCTAssertEqual(labels.sorted(), (0..<10).map(Float.init))
        XCTAssertNotEqual(labels, (0..<10).map(Float.init), "shuffled")
        for batch in batches {
            for (r, label) in batch.targets.scalars.enumerated() {
                XCTAssertEqual(batch.inputs[r, 0], 2 * label, "input row follows its target")
            }
        }
    }

    func testSameSeedSameOrderAndEpochsDiffer() {
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        let first = data.epoch(batchSize: 3, using: &a).flatMap(\.targets.scalars)
        XCTAssertEqual(first, data.epoch(batchSize: 3, using: &b).flatMap(\.targets.scalars))
        XCTAssertNotEqual(first, data.epoch(batchSize: 3, using: &a).flatMap(\.targets.scalars))
        let fixed = InMemoryDataset(inputs: data.inputs, targets: data.targets, shuffles: false)
        XCTAssertEqual(fixed.epoch(batchSize: 3, using: &a).flatMap(\.targets.scalars), (0..<10).map(Float.init))
    }

    func testRandomRegressionGivesOneFreshBatchPerEpoch() {
        var rng = RandomGenerator(seed: 2)
        let source = RandomRegression<Float>(features: 10, outputs: 1)
        let e1 = source.epoch(batchSize: 64, using: &rng), e2 = source.epoch(batchSize: 64, using: &rng)
        XCTAssertEqual(e1.count, 1)
        XCTAssertEqual(e1[0].inputs.shape, [64, 10])
        XCTAssertEqual(e1[0].targets.shape, [64, 1])
        XCTAssertNotEqual(e1[0].inputs, e2[0].inputs)
    }
}
