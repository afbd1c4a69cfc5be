import Benchmarks
import GradGuard
import XCTest

final class SampleMedianTests: XCTestCase {
    /// 1…200 in any order: the median, quartiles and the order statistics at ranks
    /// 100 ∓ 1.96·√200/2 (86 and 115).
    func testOrderStatisticsOfAKnownSample() {
        var rng = RandomGenerator(seed: 3)
        let s = SampleMedian((1...200).map(Double.init).shuffled(using: &rng))
        XCTAssertEqual(s.median, 100)
        XCTAssertEqual(s.quartiles.lower, 50)
        XCTAssertEqual(s.quartiles.upper, 150)
        XCTAssertEqual(s.confidence95.lower, 86)
        XCTAssertEqual(s.confidence95.upper, 115)
        let few = SampleMedian([3, 1, 2])
        XCTAssertEqual(few.median, 2)
        XCTAssertEqual(few.confidence95.lower, 1)
        XCTAssertEqual(few.confidence95.upper, 3)
    }

    /// The interval covers the true median of a skewed distribution (exponential, median ln 2) as
    /// often as the binomial law says: at least 95 %, exactly 98.5 % for 25 values (ranks 7 and
    /// 19: the order statistics are discrete) and 96.0 % for 200; 2000 trials each, ± 1.5 points
    /// (three standard errors).
    func testTheIntervalCoversTheTrueMedianAsOftenAsTheBinomialLawSays() {
        var rng = RandomGenerator(seed: 11)
        for (n, expected) in [(25, 0.9854), (200, 0.9600)] {
            let trials = 2000
            var covered = 0
            for _ in 0..<trials {
                let s = SampleMedian((0..<n).map { _ in -log(1 - rng.nextUnit()) })
                if s.confidence95.lower <= log(2.0) && log(2.0) <= s.confidence95.upper { covered += 1 }
            }
            XCTAssertEqual(Double(covered) / Double(trials), expected, accuracy: 0.015, "n = \(n)")
        }
    }
}
