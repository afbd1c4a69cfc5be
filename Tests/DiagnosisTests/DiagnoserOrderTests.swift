import Diagnosis
import Layers
import Monitor
import XCTest

/// The cause-before-effect ordering of the diagnoser on synthetic records.
final class DiagnoserOrderTests: XCTestCase {
    struct Fixed: Detector {
        let finding: Finding
        func detect(_ records: [StepRecord]) -> Finding? { finding }
    }

    func finding(_ kind: ProblemKind, at step: Int, ratio: Double = 1e-5) -> Finding {
        Finding(kind: kind, layer: "0", firstStep: step, evidence: ["grad_norm_ratio_first_last": ratio], explanation: "")
    }

    func testAnEarlierCauseComesBeforeItsEffect() {
        let order = Diagnoser(detectors: [Fixed(finding: finding(.dyingReLU, at: 40)), Fixed(finding: finding(.vanishingGradient, at: 0))])
        XCTAssertEqual(order.diagnose([]).map(\.kind), [.vanishingGradient, .dyingReLU])
        // Units that die first (a learning rate too high) stay the main problem.
        let dyingFirst = Diagnoser(detectors: [Fixed(finding: finding(.dyingReLU, at: 5)), Fixed(finding: finding(.vanishingGradient, at: 30))])
        XCTAssertEqual(dyingFirst.diagnose([]).map(\.kind), [.dyingReLU, .vanishingGradient])
        // Both from the first step: a shrinking signal (some gradient still arrives) is the cause …
        let together = Diagnoser(detectors: [Fixed(finding: finding(.dyingReLU, at: 0)), Fixed(finding: finding(.vanishingGradient, at: 0))])
        XCTAssertEqual(together.diagnose([]).map(\.kind), [.vanishingGradient, .dyingReLU])
        // … but a ratio of exactly 0 is dead units blocking everything: they stay the cause.
        let blocked = Diagnoser(detectors: [Fixed(finding: finding(.dyingReLU, at: 0)), Fixed(finding: finding(.vanishingGradient, at: 0, ratio: 0))])
        XCTAssertEqual(blocked.diagnose([]).map(\.kind), [.dyingReLU, .vanishingGradient])
    }
}
