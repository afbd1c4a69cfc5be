import Foundation
import Lessons
import XCTest

/// Every lesson at its tiny size: the direction of its result, its page and its JSON document.
final class LessonTests: XCTestCase {
    func run(_ name: String) throws -> LessonResult {
        let lesson = try XCTUnwrap(LessonCatalog.lesson(named: name))
        var lines: [String] = []
        let result = try lesson.run(.tiny, 0) { lines.append($0) }
        XCTAssertFalse(lines.isEmpty, "\(name) reports progress")
        XCTAssertEqual(result.name, name)
        try checkOutputs(result)
        return result
    }

    /// The page has every section and loads nothing from outside; the JSON decodes to the same result.
    func checkOutputs(_ result: LessonResult) throws {
        let page = LessonPage.html(result)
        for section in ["question", "conclusion", "table", "figures", "settings"] {
            XCTAssertTrue(page.contains("<section id=\"\(section)\">"), "\(result.name): section \(section)")
        }
        XCTAssertEqual(page.components(separatedBy: "<svg").count - 1, result.figures.count, "\(result.name): one chart per figure")
        for external in ["src=\"http", "href=\"http", "url(http", "<script", "<link"] {
            XCTAssertFalse(page.contains(external), "\(result.name): the page must not load \(external)")
        }
        let decoded = try LessonPage.decode(LessonPage.json(result))
        XCTAssertEqual(decoded.conclusion, result.conclusion)
        XCTAssertEqual(decoded.findings.count, result.findings.count)
        XCTAssertEqual(decoded.figures.map(\.series.count), result.figures.map(\.series.count))
        XCTAssertTrue(LessonPage.text(result).contains(result.conclusion))
    }

    func testCatalogNamesAreUnique() {
        let names = LessonCatalog.all.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertNil(LessonCatalog.lesson(named: "nonsense"))
    }

    /// One-neuron chains: the measured gradient is the predicted product within 10 % (in fact
    /// to rounding); the wide net within a factor 2; 0.8ᴸ vanishes and 1.2ᴸ explodes.
    func testChainMeasuresThePredictedProduct() throws {
        let r = try run("chain")
        XCTAssertLessThan(r.findings["largest relative error of the one-neuron chains"]!, 0.1)
        let wide = r.findings["wide net: worst measured / predicted"]!
        XCTAssertTrue(wide > 0.5 && wide < 2, "wide net ratio \(wide)")
        let depth = 12.0
        XCTAssertEqual(r.findings["linear chain, w = 0.8: measured at depth 12"]!, Foundation.pow(0.8, depth), accuracy: 1e-12)
        XCTAssertGreaterThan(r.findings["linear chain, w = 1.2: measured at depth 12"]!, 1)
    }

    /// The steepest slope grows with every composition, and both steep and flat regions exist.
    func testLogisticCompositionHasSteepAndFlatRegions() throws {
        let r = try run("logistic")
        let largest = (1...6).map { r.findings["n = \($0): largest |d fⁿ/dx|"]! }
        XCTAssertEqual(largest[0], 3.5, accuracy: 1e-9, "|f′(0)| = 3.5")
        for (a, b) in zip(largest, largest.dropFirst()) { XCTAssertGreaterThan(b, a) }
        XCTAssertGreaterThan(r.findings["n = 6: fraction of x with |d fⁿ/dx| > 10"]!, 0)
        XCTAssertGreaterThan(r.findings["n = 6: fraction of x with |d fⁿ/dx| < 0.1"]!, 0)
    }

    /// ‖Wᵗv‖ follows |⟨v, v₁⟩| ρᵗ within 10 %: it shrinks for ρ = 0.9 and grows for ρ = 1.1.
    func testEigenNormFollowsTheSpectralRadius() throws {
        let r = try run("eigen")
        for radius in [0.9, 1.0, 1.1] {
            XCTAssertEqual(r.findings["ρ = \(radius): linear measured / predicted"]!, 1, accuracy: 0.1, "ρ = \(radius)")
        }
        XCTAssertLessThan(r.findings["ρ = 0.9: ‖Wᵗv‖ at t = 40"]!, r.findings["ρ = 1.1: ‖Wᵗv‖ at t = 40"]! / 100)
        XCTAssertLessThan(r.findings["ρ = 1.0: ReLU chain ‖h_t‖ at t = 40"]!, r.findings["ρ = 1.0: ‖Wᵗv‖ at t = 40"]!)
    }

    /// He's initialisation ends with a lower training loss than Xavier's on a deep ReLU net.
    func testHe2015HeTrainsBetterThanXavier() throws {
        let r = try run("he2015")
        XCTAssertLessThan(r.findings["He: final training loss"]!, r.findings["Xavier: final training loss"]!)
    }

    /// Zero init keeps every hidden unit identical; He beats too-small weights with ReLU.
    func testInitShowsSymmetryAndVanishing() throws {
        let r = try run("init")
        for activation in ["sigmoid", "tanh", "relu"] {
            XCTAssertGreaterThan(r.findings["\(activation), zeros: identical-unit fraction at the end"]!, 0.99, activation)
            XCTAssertLessThan(r.findings["\(activation), Xavier: identical-unit fraction at the end"]!, 0.01, activation)
        }
        XCTAssertLessThan(r.findings["relu, He: final training loss"]!, r.findings["relu, too small N(0, 0.01²): final training loss"]!)
        XCTAssertLessThan(r.findings["sigmoid, too small N(0, 0.01²): first/last layer gradient at step 0"]!,
                          r.findings["relu, He: first/last layer gradient at step 0"]!)
    }

    /// The plain sigmoid net's first/last gradient ratio falls with depth, and He + BatchNorm
    /// does at least as well as plain sigmoid at the deepest size.
    func testDepthVanishesForThePlainNet() throws {
        let r = try run("depth")
        let ratios = [2, 4, 8].map { r.findings["sigmoid, \($0) layers: first/last layer gradient at step 0"]! }
        XCTAssertGreaterThan(ratios[0], ratios[2])
        XCTAssertGreaterThanOrEqual(r.findings["ReLU + He + BatchNorm, 8 layers: test accuracy"]!, r.findings["sigmoid, 8 layers: test accuracy"]!)
    }

    /// The RNN's gradient through time shrinks with length, and the GRU carries more of it.
    func testRecurrentGradientThroughTimeVanishesForTheRNN() throws {
        let r = try run("recurrent")
        for task in ["adding", "temporal order"] {
            let short = r.findings["\(task), RNN, length 10: first/last hidden-state gradient"]!
            let long = r.findings["\(task), RNN, length 20: first/last hidden-state gradient"]!
            XCTAssertLessThan(long, short / 10, task)
            XCTAssertGreaterThan(r.findings["\(task), GRU, length 20: first/last hidden-state gradient"]!, long, task)
        }
    }

    /// With the same length, data and learning rate, the clipped RNN ends better than the
    /// unclipped one, whose gradient norm went past the threshold.
    func testPascanu2013ClippingTrainsTheExplodingRNN() throws {
        let r = try run("pascanu2013")
        XCTAssertGreaterThan(r.findings["norm clipped at 1: test accuracy"]!, r.findings["no clipping: test accuracy"]!)
        XCTAssertLessThan(r.findings["norm clipped at 1: final training loss"]!, r.findings["no clipping: final training loss"]!)
        XCTAssertGreaterThan(r.findings["no clipping: largest gradient norm"]!, 1)
        XCTAssertGreaterThan(r.findings["norm clipped at 1: clipped steps"]!, 0)
    }

    /// Rescaled SGD beats plain SGD on the vanishing net; the vanishing first layer's gradient
    /// is smaller than the gradient near a minimum, so a rule keyed on "small" cannot tell them apart.
    func testScaleUpHelpsButCannotTellAMinimum() throws {
        let r = try run("scale-up")
        XCTAssertGreaterThan(r.findings["vanishing, rescaled SGD (‖g‖ → 1 per parameter): test accuracy"]!,
                             r.findings["vanishing, plain SGD: test accuracy"]!)
        XCTAssertLessThan(r.findings["vanishing: first layer ‖∇W‖ at step 0"]!, r.findings["near a minimum: first layer ‖∇W‖ at step 0"]!)
    }

    /// On the exploding net every clipping rule ends above the unclipped run, which saw a large norm.
    func testClippingRulesBeatNoClippingOnAnExplodingNet() throws {
        let r = try run("clipping")
        let none = r.findings["none: test accuracy"]!
        for rule in ["by value, ±0.1", "global norm, 1", "per parameter, 1"] {
            XCTAssertGreaterThan(r.findings["\(rule): test accuracy"]!, none + 0.2, rule)
            XCTAssertGreaterThan(r.findings["\(rule): clipped fraction of steps"]!, 0.5, rule)
        }
        XCTAssertGreaterThan(r.findings["none: largest gradient norm"]!, 10)
    }

    /// With tanh, the normalised initialisation keeps the activations' spread and the
    /// back-propagated gradient closer to constant across layers than the standard one.
    func testGlorot2010NormalisedInitKeepsLayersAlike() throws {
        let r = try run("glorot2010")
        let (standard, normalised) = ("standard U(±1/√n)", "normalised (Xavier)")
        XCTAssertGreaterThan(r.findings["tanh, \(normalised): activation std, last/first hidden layer"]!,
                             r.findings["tanh, \(standard): activation std, last/first hidden layer"]!)
        XCTAssertGreaterThan(r.findings["tanh, \(normalised): back-propagated gradient, first/last hidden layer"]!,
                             r.findings["tanh, \(standard): back-propagated gradient, first/last hidden layer"]!)
    }
}
