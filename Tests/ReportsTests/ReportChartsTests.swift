import Monitor
@testable import Reports
import XCTest

final class ReportChartsTests: XCTestCase {
    func record(step: Int, hidden: [Double]?) -> StepRecord {
        var rnn = LayerRecord(path: "0", kind: "RNN(2 → 8)", activationMean: 0, activationStd: 1)
        rnn.weightNorm = 1
        rnn.outputGradNorm = 0.5
        rnn.hiddenGradNorms = hidden
        var linear = LayerRecord(path: "1", kind: "Linear(8 → 1)", activationMean: 0, activationStd: 1)
        linear.weightNorm = 1
        linear.outputGradNorm = 1
        return StepRecord(step: step, epoch: 0, loss: 1, learningRate: 0.1, totalGradNorm: 1, applied: true, layers: [rnn, linear])
    }

    func testRecurrentLayersGetAGradientThroughTimeChart() {
        let records = (0..<10).map { record(step: $0, hidden: (0..<6).map { pow(10, Double($0 - 6)) }) }
        let charts = ReportCharts.throughTime(records)
        XCTAssertEqual(charts.count, 1, "one chart per recurrent layer")
        XCTAssertTrue(charts[0].contains("Gradient through time: 0 RNN(2 → 8)"))
        XCTAssertTrue(charts[0].contains("time step t of the sequence"))
        XCTAssertEqual(charts[0].components(separatedBy: "<polyline").count - 1, 3, "the first, a middle and the last record")
        XCTAssertTrue(ReportCharts.throughTime(records.map { record(step: $0.step, hidden: nil) }).isEmpty)
    }

    func testMovingAverageAndEvenChoice() {
        XCTAssertEqual(ReportCharts.movingAverage([1, 3, 5, 7], window: 2), [1, 2, 4, 6])
        XCTAssertTrue(ReportCharts.movingAverage([1, .nan, 3], window: 2)[1].isNaN, "a NaN loss stays visible as a gap")
        XCTAssertEqual(ReportCharts.evenlyChosen(Array(0..<100), count: 5), [0, 25, 50, 74, 99])
        XCTAssertEqual(ReportCharts.evenlyChosen([1, 2], count: 5), [1, 2])
    }
}
