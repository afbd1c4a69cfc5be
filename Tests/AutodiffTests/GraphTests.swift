import Autodiff
import TensorCore
import XCTest

final class GraphTests: XCTestCase {
    func testSharedSubexpressionAccumulates() {
        // x + f(x): the residual form; x is used twice.
        let v = leaves([4, 3], [3, 3])
        let (x, w) = (v[0], v[1])
        assertGradientsMatch(v, "residual") { x + Variable.matmul(x, w).tanh() }
        let y = leaves([3])[0]
        (y * y).sum().backward()
        XCTAssertEqual(y.grad!.scalars, y.value.scalars.map { 2 * $0 })
    }

    /// With `sumsGradientSquares`, backward leaves Σ g² beside each leaf gradient, kept through
    /// accumulation (a leaf used twice, backward run twice) and forgotten by any other change.
    func testGradientSquaresFollowTheGradient() {
        let w = Variable(Tensor<Double>([1, -2, 3]), requiresGrad: true)
        w.sumsGradientSquares = true
        func squares(_ t: Tensor<Double>) -> Double { t.scalars.reduce(0) { $0 + $1 * $1 } }
        (w * w + w).sum().backward()  // two uses: two deliveries
        XCTAssertEqual(w.gradientSquares, squares(w.grad!))
        (w * w).sum().backward()  // accumulates onto the first gradient
        XCTAssertEqual(w.gradientSquares, squares(w.grad!))
        XCTAssertEqual(w.grad!.scalars, [5, -7, 13])
        w.grad!.scale(by: 2)
        XCTAssertNil(w.gradientSquares, "an in-place change forgets it")
        (w * w).sum().backward()
        XCTAssertNotNil(w.gradientSquares)
        w.grad!.withUnsafeMutableBufferPointer { $0[0] = 0 }  // as data parallelism writes the reduced gradient
        XCTAssertNil(w.gradientSquares, "a write through the buffer forgets it")
        let plain = Variable(Tensor<Double>([1, 2]), requiresGrad: true)
        (plain * plain).sum().backward()
        XCTAssertNil(plain.gradientSquares, "off by default")
    }

    func testUnrolledRecurrenceOverManySteps() {
        // h_t = tanh(h_{t-1} W + x_t U), 6 steps sharing W and U.
        let v = leaves([2, 4], [4, 4], [3, 4], [6, 2, 3])
        let (h0, w, u, xs) = (v[0], v[1], v[2], v[3])
        assertGradientsMatch(v, "rnn") {
            var h = h0
            for t in 0..<6 {
                let x = xs.slice(axis: 0, t..<(t + 1)).reshaped([2, 3])
                h = (Variable.matmul(h, w) + Variable.matmul(x, u)).tanh()
            }
            return h
        }
    }

    func testLongChainDoesNotRecurse() {
        let x = Variable(Tensor<Double>([1]), requiresGrad: true)
        var y = x
        for _ in 0..<50_000 { y = y * 1.0 }
        y.sum().backward()
        XCTAssertEqual(x.grad?.scalars, [1])
    }

    func testLeafGradientsAccumulateUntilZeroed() {
        let x = Variable(Tensor<Double>([1, 2]), requiresGrad: true)
        (x * 3).sum().backward()
        (x * 3).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [6, 6])
        x.zeroGrad()
        XCTAssertNil(x.grad)
    }

    func testIntermediateGradientsAreFreedUnlessRetained() {
        let x = Variable(Tensor<Double>([1, 2]), requiresGrad: true)
        let hidden = x * 2
        let kept = hidden.exp()
        kept.retainsGrad = true
        kept.sum().backward()
        XCTAssertNil(hidden.grad)
        XCTAssertEqual(kept.grad?.scalars, [1, 1])
    }

    func testGraphIsReleasedAfterTheStep() {
        let w = Variable(Tensor<Double>([0.5, -1]), requiresGrad: true)
        weak var intermediate: Variable<Double>?
        do {
            let h = (w * 3).tanh()
            intermediate = h
            (h * h).sum().backward()
        }
        XCTAssertNil(intermediate, "the step's graph outlived its loss")
        XCTAssertNotNil(w.grad)
    }

    func testNoGraphWithoutGradMode() {
        let w = Variable(Tensor<Double>([0.5]), requiresGrad: true)
        let y = GradMode.withoutGrad { w * 2 }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(y.isLeaf)
        let z = Variable(Tensor<Double>([1])) * 2
        XCTAssertFalse(z.requiresGrad, "constants build no graph")
    }

    func testCheckerDetectsAWrongGradient() {
        // A deliberately wrong pullback must fail the check: the checker itself can fail.
        let v = leaves([3])
        let results = GradientCheck.check(v) {
            Variable.operation(v[0].value.squared(), inputs: [v[0]]) { g in [g * v[0].value * 3] }
        }
        XCTAssertGreaterThan(results[0].relativeError, 0.1)
    }
}

/// A used graph lets go of the tensors it captured, so the optimizer's in-place update of a
/// weight does not copy it while the loss is still in scope.
final class GraphReleaseTests: XCTestCase {
    func testBackwardReleasesCapturedWeights() {
        var rng = RandomGenerator(seed: 3)
        let w = Variable(Tensor<Float>.normal(shape: [6, 4], using: &rng), requiresGrad: true)
        let x = Variable(Tensor<Float>.normal(shape: [5, 4], using: &rng))
        let loss = Variable.linear(x, weight: w, bias: nil).sum()
        loss.backward()
        let before = w.value.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        w.value.withUnsafeMutableBufferPointer { $0[0] += 1 }
        let after = w.value.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        XCTAssertEqual(before, after, "updated in place: the graph no longer shares the weight's storage")
        XCTAssertNotNil(w.grad)
        withExtendedLifetime(loss) {}
    }
}

final class GradientHookTests: XCTestCase {
    /// The hook sees a node's gradient once, complete (both uses of the node summed), before
    /// it flows on; the hook is released after it ran.
    func testHookSeesTheCompleteGradientOnce() {
        let x = Variable(Tensor<Double>([1, 2, 3]), requiresGrad: true)
        let y = x * x
        var seen: [Tensor<Double>] = []
        y.gradientHook = { seen.append($0) }
        let loss = (y.sum() + (y * 3).sum())
        loss.backward()
        XCTAssertEqual(seen.count, 1)
        XCTAssertEqual(seen.first?.scalars, [4, 4, 4], "∂L/∂y = 1 + 3 from both uses")
        XCTAssertNil(y.gradientHook)
        XCTAssertEqual(x.grad?.scalars, [8, 16, 24])
    }
}

final class GradientSquaresHookTests: XCTestCase {
    private func squares(_ t: Tensor<Float>) -> Double { t.scalars.reduce(0) { $0 + Double($1) * Double($1) } }

    /// An activation's backward kernel sums the gradient it receives and the one it sends: the
    /// hooks on its output and on its input get Σ g² of each complete gradient, once, and the
    /// gradients are the same bits as without hooks.
    func testHooksGetTheSquaresOfTheCompleteGradients() throws {
        var rng = RandomGenerator(seed: 3)
        let w = Variable(Tensor<Float>.normal(shape: [30, 40], using: &rng), requiresGrad: true)
        let x = Variable(Tensor<Float>.normal(shape: [50, 30], using: &rng))
        func run(hooks: Bool) -> (w: Tensor<Float>, z: Tensor<Float>, y: Tensor<Float>, zSquares: [Double], ySquares: [Double]) {
            w.zeroGrad()
            let z = Variable.matmul(x, w)
            let y = z.sigmoid()
            var (zSquares, ySquares) = ([Double](), [Double]())
            z.retainsGrad = true
            y.retainsGrad = true
            if hooks {
                z.gradientSquaresHook = { zSquares.append($0) }
                y.gradientSquaresHook = { ySquares.append($0) }
            }
            (y * y).sum().backward()
            return (w.grad!, z.grad!, y.grad!, zSquares, ySquares)
        }
        let plain = run(hooks: false), hooked = run(hooks: true)
        XCTAssertEqual(hooked.w.scalars, plain.w.scalars, "the same bits with the measured pullback")
        XCTAssertEqual(hooked.zSquares.count, 1)
        XCTAssertEqual(hooked.ySquares.count, 1)
        XCTAssertEqual(try XCTUnwrap(hooked.zSquares.first), squares(hooked.z), accuracy: 1e-6 * squares(hooked.z))
        XCTAssertEqual(try XCTUnwrap(hooked.ySquares.first), squares(hooked.y), accuracy: 1e-6 * squares(hooked.y))
    }

    /// A node that gets its gradient from two operations reports the squares of the sum, not of
    /// the part the activation sent.
    func testTwoUsesReportTheSquaresOfTheSum() throws {
        var rng = RandomGenerator(seed: 4)
        let x = Variable(Tensor<Float>.normal(shape: [20, 30], using: &rng), requiresGrad: true)
        for activationFirst in [true, false] {  // either use may deliver its part first
            let z = x * 2
            var reported: [Double] = []
            z.retainsGrad = true
            z.gradientSquaresHook = { reported.append($0) }
            let (a, b) = (z.tanh().sum(), (z * 3).sum())
            (activationFirst ? a + b : b + a).backward()
            XCTAssertEqual(reported.count, 1)
            XCTAssertEqual(try XCTUnwrap(reported.first), squares(z.grad!), accuracy: 1e-6 * squares(z.grad!))
            XCTAssertNil(z.gradientSquaresHook, "released after it ran")
        }
    }
}
