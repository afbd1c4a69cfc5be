@testable import Plots
import XCTest

final class AxisTests: XCTestCase {
    func testLinearTicksAreRoundNumbersInsideTheRange() {
        let axis = Axis(covering: [0.13, 0.87], from: 0, to: 100)
        XCTAssertEqual(axis.ticks(count: 5), [0.2, 0.4, 0.6, 0.8])
        XCTAssertEqual(Axis(covering: [0, 449], from: 0, to: 1).ticks(count: 6), [0, 100, 200, 300, 400])
        XCTAssertEqual(Axis(covering: [-3, 3], from: 0, to: 1).ticks(count: 3), [-2, 0, 2])
    }

    func testANarrowRangeAroundZeroGetsMoreThanTheZeroTick() {
        // ±0.18 with three ticks wanted: step 0.2 would leave "0" alone.
        let ticks = Axis(low: -0.18, high: 0.18, logarithmic: false, from: 0, to: 100).ticks(count: 3)
        XCTAssertGreaterThanOrEqual(ticks.count, 2)
        XCTAssertEqual(ticks, [-0.1, 0, 0.1])
        XCTAssertEqual(Axis(low: 0, high: 1, logarithmic: false, from: 0, to: 100).ticks(count: 5), [0, 0.2, 0.4, 0.6, 0.8, 1], "unchanged where it worked")
    }

    func testEndLabelsSpreadApartAndStayInside() {
        let placed = LineChart.spread([50, 50, 50, 200], minimumGap: 13, within: 30...210)
        XCTAssertEqual(placed[3], 200)
        XCTAssertEqual(Set(placed[0..<3].map { $0 }).count, 3, "coinciding ends get separate labels")
        let sorted = placed.sorted()
        for (a, b) in zip(sorted, sorted.dropFirst()) { XCTAssertGreaterThanOrEqual(b - a, 13 - 1e-9) }
        let crowded = LineChart.spread([205, 206, 207, 208], minimumGap: 13, within: 30...210)
        XCTAssertTrue(crowded.allSatisfy { (30...210).contains($0) }, "\(crowded)")
        var chart = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [
            .init(name: "original", points: [(0, 1), (1, 1)], color: "#999", width: 4),
            .init(name: "same", points: [(0, 1), (1, 1)], color: "#f00", dash: LineChart.Series.distinctDashes[1]),
        ])
        chart.endLabels = true
        let svg = chart.svg()
        XCTAssertTrue(svg.contains(">original</text>") && svg.contains(">same</text>"))
        XCTAssertTrue(svg.contains("stroke-dasharray=\"7 4\""), "the second line is dashed")
    }

    func testLogAxisSpansWholeDecades() throws {
        let axis = Axis(covering: [3e-9, 0.2, -1, .nan], logarithmic: true, from: 300, to: 0)
        XCTAssertEqual(axis.low, 1e-9, accuracy: 1e-24)
        XCTAssertEqual(axis.high, 1)
        XCTAssertEqual(axis.ticks(count: 3).count, 4, "1e-9, 1e-6, 1e-3, 1")
        XCTAssertEqual(try XCTUnwrap(axis.position(1e-9)), 300, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(axis.position(1e-3)), 100, accuracy: 1e-9)
        XCTAssertNil(axis.position(0), "0 has no place on a log axis")
        XCTAssertNil(axis.position(.nan))
        XCTAssertEqual(axis.position(1e6), 0, "clamped to the axis")
    }

    func testLabels() {
        XCTAssertEqual(Axis.label(0), "0")
        XCTAssertEqual(Axis.label(0.25), "0.25")
        XCTAssertEqual(Axis.label(1200), "1200")
        XCTAssertEqual(Axis.label(1e-5), "1e-5")
        XCTAssertEqual(Axis.label(2.5e7), "2.5e7")
        XCTAssertEqual(Axis.label(.nan), "NaN")
    }

    func testDegenerateRangesGetAMargin() {
        let axis = Axis(covering: [5, 5], from: 0, to: 1)
        XCTAssertLessThan(axis.low, 5)
        XCTAssertGreaterThan(axis.high, 5)
        let empty = Axis(covering: [], logarithmic: true, from: 0, to: 1)
        XCTAssertLessThan(empty.low, empty.high)
    }
}

final class ChartTests: XCTestCase {
    func testLineChartBreaksAtNonFiniteValuesAndEscapesText() {
        let chart = LineChart(title: "loss <a&b>", xLabel: "step", yLabel: "loss",
                              series: [.init(name: "run", points: [(0, 1), (1, 2), (2, .nan), (3, 1), (4, 0.5)], color: "#000")])
        let svg = chart.svg()
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2, "two pieces around the NaN")
        XCTAssertTrue(svg.contains("loss &lt;a&amp;b&gt;"))
        XCTAssertFalse(svg.contains("<a&b>"))
        XCTAssertTrue(svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>"))
    }

    func testHeatMapColoursCellsByLogValue() {
        let map = HeatMap(title: "h", xLabel: "step", yLabel: "layer", valueLabel: "norm", rowLabels: ["a", "b"], columns: [0, 1],
                          values: [[1e-6, 1], [.nan, nil]])
        let svg = map.svg()
        XCTAssertTrue(svg.contains("fill=\"\(ColorMap.viridis(0))\""), "the smallest value gets the dark end")
        XCTAssertTrue(svg.contains("fill=\"\(ColorMap.viridis(1))\""), "the largest the bright end")
        XCTAssertTrue(svg.contains("fill=\"\(ColorMap.nonFinite)\""), "NaN cells are marked")
        XCTAssertTrue(svg.contains("fill=\"\(ColorMap.missing)\""), "missing cells are grey")
        XCTAssertTrue(svg.contains("a, step 1: 1</title>"), "each cell has a tooltip")
    }

    func testViridisEnds() {
        XCTAssertEqual(ColorMap.viridis(0), "#440154")
        XCTAssertEqual(ColorMap.viridis(1), "#fde725")
        XCTAssertEqual(ColorMap.viridis(-3), "#440154")
    }

    func testHistogramChartDrawsEachHistogram() {
        let chart = HistogramChart(title: "weights", xLabel: "value", layers: [
            .init(name: "step 0", edges: [0, 1, 2], counts: [3, 1], color: "#777777"),
            .init(name: "step 9", edges: [-1, 0, 1, 2], counts: [1, 1, 2], color: "#1f77b4"),
        ])
        let svg = chart.svg()
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertEqual(svg.components(separatedBy: "fill=\"#77777755\"").count - 1, 2, "the first histogram's bins are filled")
        XCTAssertTrue(svg.contains(">step 9</text>"))
    }
}
