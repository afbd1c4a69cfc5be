import Datasets
import Experiments
import Losses
import Runs
import TensorCore
import XCTest
@testable import Doctor

final class FixCriterionTests: XCTestCase {
    let criterion = FixCriterion()

    func final(_ loss: Double, _ accuracy: Double? = nil) -> FinalMetrics { FinalMetrics(loss: loss, accuracy: accuracy, steps: 100) }

    func testALowerLossWithLowerAccuracyIsNoFix() {
        // The case that called a remedy a fix at chance level: loss 569 → 2.49, accuracy 66 % → 11 %.
        let baseline = Baseline(loss: 2.30, accuracy: 0.11, predictor: "majority_class")
        XCTAssertFalse(criterion.metricImproved(final(2.486, 0.114), over: final(569.2, 0.663), baseline: baseline))
        XCTAssertTrue(criterion.metricImproved(final(0.3, 0.92), over: final(569.2, 0.663), baseline: baseline))
        // 20 % of the original's errors must go: from 66.3 % that is ≥ 73.04 %.
        XCTAssertFalse(criterion.metricImproved(final(0.9, 0.72), over: final(1.0, 0.663), baseline: baseline))
        XCTAssertTrue(criterion.metricImproved(final(0.9, 0.74), over: final(1.0, 0.663), baseline: baseline))
        // Near chance is never a fix, even from a NaN run.
        XCTAssertFalse(criterion.metricImproved(final(2.2, 0.14), over: final(.nan, nil), baseline: baseline))
        XCTAssertFalse(criterion.metricImproved(final(.infinity, 0.9), over: final(1, 0.5), baseline: baseline))
    }

    func testRegressionMustBeatTheOriginalAndTheMean() {
        let baseline = Baseline(loss: 0.167, accuracy: nil, predictor: "training_mean")
        XCTAssertFalse(criterion.metricImproved(final(0.155), over: final(0.25), baseline: baseline), "no better than the mean")
        XCTAssertTrue(criterion.metricImproved(final(0.01), over: final(0.16), baseline: baseline))
        XCTAssertFalse(criterion.metricImproved(final(0.01), over: final(0.011), baseline: baseline), "not clearly below the original")
    }

    func testBaselineOfClassesAndOfRegressionTargets() throws {
        let x = Tensor<Float>(zeros: [10, 1])
        let train = InMemoryDataset(inputs: x, targets: Tensor<Float>([0, 0, 0, 1, 1, 2, 0, 0, 1, 0]))
        let test = InMemoryDataset(inputs: Tensor<Float>(zeros: [4, 1]), targets: Tensor<Float>([0, 1, 0, 2]))
        let data = ExperimentData(train: train, test: test, classes: 3, sampleShape: [1], targetShape: [])
        let b = try XCTUnwrap(Baseline(data: data, loss: .crossEntropy))
        XCTAssertEqual(b.accuracy, 0.5)
        // Add-one class frequencies: 7/13, 4/13, 2/13.
        XCTAssertEqual(b.loss, -(2 * log(7.0 / 13) + log(4.0 / 13) + log(2.0 / 13)) / 4, accuracy: 1e-9)
        let regression = ExperimentData(train: InMemoryDataset(inputs: Tensor<Float>(zeros: [2, 1]), targets: Tensor<Float>(shape: [2, 1], scalars: [1, 3])),
                                        test: InMemoryDataset(inputs: Tensor<Float>(zeros: [2, 1]), targets: Tensor<Float>(shape: [2, 1], scalars: [2, 4])),
                                        classes: nil, sampleShape: [1], targetShape: [1])
        let r = try XCTUnwrap(Baseline(data: regression, loss: .mse))
        XCTAssertEqual(r.loss, (0 + 4) / 2, accuracy: 1e-9)  // mean 2: errors 0 and 2
        XCTAssertNil(r.accuracy)
    }
}
