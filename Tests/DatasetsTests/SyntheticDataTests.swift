import TensorCore
import XCTest
@testable import Datasets

final class SyntheticDataTests: XCTestCase {
    func testSpiralsShapeRadiusAndClasses() {
        var rng = RandomGenerator(seed: 1)
        let data: InMemoryDataset<Double> = SyntheticData.spirals(classes: 3, samples: 300, noise: 0, using: &rng)
        XCTAssertEqual(data.inputs.shape, [300, 2])
        XCTAssertEqual(Set(data.targets.scalars), [0, 1, 2])
        // Without noise the last point of class 1 has r = 1 and θ = 8.
        let x = data.inputs.scalars[2 * 199], y = data.inputs.scalars[2 * 199 + 1]
        XCTAssertEqual(x, sin(8), accuracy: 1e-12)
        XCTAssertEqual(y, cos(8), accuracy: 1e-12)
    }

    func testTeacherTargetsHaveUnitVariance() {
        var rng = RandomGenerator(seed: 2)
        let data: InMemoryDataset<Double> = SyntheticData.teacher(features: 5, outputs: 2, samples: 500, depth: 2, using: &rng)
        XCTAssertEqual(data.targets.shape, [500, 2])
        for j in 0..<2 {
            let column = stride(from: j, to: 1000, by: 2).map { data.targets.scalars[$0] }
            let mean = column.reduce(0, +) / 500
            XCTAssertEqual(mean, 0, accuracy: 1e-9)
            XCTAssertEqual(column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 500, 1, accuracy: 1e-9)
        }
    }

    func testAddingProblemTargetIsSumOfMarkedValues() {
        var rng = RandomGenerator(seed: 3)
        let data: InMemoryDataset<Double> = SyntheticData.adding(length: 10, samples: 50, using: &rng)
        XCTAssertEqual(data.inputs.shape, [50, 10, 2])
        for s in 0..<50 {
            let steps = (0..<10).map { (data.inputs.scalars[(s * 10 + $0) * 2], data.inputs.scalars[(s * 10 + $0) * 2 + 1]) }
            let marked = steps.enumerated().filter { $0.element.1 == 1 }
            XCTAssertEqual(marked.count, 2)
            XCTAssertLessThan(marked[0].offset, 5)
            XCTAssertGreaterThanOrEqual(marked[1].offset, 5)
            XCTAssertEqual(data.targets.scalars[s], marked.map { $0.element.0 }.reduce(0, +), accuracy: 1e-12)
        }
    }

    func testTemporalOrderLabelsMatchSymbols() {
        var rng = RandomGenerator(seed: 4)
        let data: InMemoryDataset<Float> = SyntheticData.temporalOrder(length: 20, samples: 40, using: &rng)
        XCTAssertEqual(data.inputs.shape, [40, 20, 6])
        for s in 0..<40 {
            let symbols = (0..<20).map { t in (0..<6).first { data.inputs.scalars[(s * 20 + t) * 6 + $0] == 1 }! }
            let ab = symbols.enumerated().filter { $0.element < 2 }
            XCTAssertEqual(ab.count, 2)
            XCTAssertTrue((2..<4).contains(ab[0].offset) && (10..<12).contains(ab[1].offset))
            XCTAssertEqual(Int(data.targets.scalars[s]), 2 * ab[0].element + ab[1].element)
        }
    }

    func testStandardizationUsesFittedStatistics() {
        let train = InMemoryDataset<Double>(inputs: Tensor(shape: [3, 2], scalars: [1, 5, 2, 5, 3, 5]), targets: Tensor([0, 1, 0]))
        let scaling = Standardization(fittedTo: train.inputs)
        XCTAssertEqual(scaling.mean, [2, 5])
        let scaled = scaling.apply(to: train)
        XCTAssertEqual(scaled.inputs.scalars[0], -1 / (2.0 / 3).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(scaled.inputs.scalars[1], 0)
    }
}
