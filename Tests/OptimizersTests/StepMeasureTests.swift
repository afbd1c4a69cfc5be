import Autodiff
import Foundation
import Optimizers
import TensorCore
import XCTest

/// With `measuresSteps` on, an optimizer reports ‖W‖², ‖∇‖² and ‖ΔW‖² of each step — from its
/// measuring kernel (SGD, Adam, AdamW on Float) or from a copy — and updates the weights to
/// exactly the bits it gives with measuring off.
final class StepMeasureTests: XCTestCase {
    /// Float runs SGD and Adam through CKernels, Double through the Swift loops: the two agree
    /// to Float's precision over several steps, also for a parameter two threads update.
    func testFloatKernelsFollowTheDoubleRules() throws {
        var rng = RandomGenerator(seed: 9)
        let shapes = [[37, 29], [301, 300]]
        let start = shapes.map { Tensor<Double>.normal(shape: $0, using: &rng) }
        let grads = (0..<5).map { _ in shapes.map { Tensor<Double>.normal(shape: $0, std: 0.3, using: &rng) } }
        let makers: [(String, ([Variable<Float>]) throws -> Optimizer<Float>, ([Variable<Double>]) throws -> Optimizer<Double>)] = [
            ("sgd momentum wd", { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01) },
             { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01) }),
            ("sgd nesterov", { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, nesterov: true) },
             { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, nesterov: true) }),
            ("adam", { try Adam(parameters: $0, learningRate: 0.01, weightDecay: 0.01) },
             { try Adam(parameters: $0, learningRate: 0.01, weightDecay: 0.01) }),
            ("adam amsgrad", { try Adam(parameters: $0, learningRate: 0.01, amsgrad: true) },
             { try Adam(parameters: $0, learningRate: 0.01, amsgrad: true) }),
            ("adamw", { try AdamW(parameters: $0, learningRate: 0.01, weightDecay: 0.05) },
             { try AdamW(parameters: $0, learningRate: 0.01, weightDecay: 0.05) }),
        ]
        for (name, makeFloat, makeDouble) in makers {
            let single = start.map { Variable(Tensor<Float>($0), requiresGrad: true) }
            let double = start.map { Variable($0, requiresGrad: true) }
            let a = try makeFloat(single), b = try makeDouble(double)
            for step in grads {
                for (v, g) in zip(single, step) { v.grad = Tensor<Float>(g) }
                for (v, g) in zip(double, step) { v.grad = g }
                a.step()
                b.step()
            }
            for (f, d) in zip(single, double) {
                let error = (Tensor<Double>(f.value) - d.value).abs().maxAll()
                XCTAssertLessThan(error, 1e-5, name)
            }
        }
    }

    typealias Make = ([Variable<Float>]) throws -> Optimizer<Float>

    let rules: [(String, Make)] = [
        ("sgd", { try SGD(parameters: $0, learningRate: 0.1) }),
        ("sgd momentum wd", { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01) }),
        ("sgd nesterov", { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, nesterov: true) }),
        ("adam", { try Adam(parameters: $0, learningRate: 0.01, weightDecay: 0.01) }),
        ("adam amsgrad", { try Adam(parameters: $0, learningRate: 0.01, amsgrad: true) }),
        ("adamw", { try AdamW(parameters: $0, learningRate: 0.01, weightDecay: 0.05) }),
        ("adagrad", { try Adagrad(parameters: $0, learningRate: 0.1) }),
        ("rmsprop centered", { try RMSprop(parameters: $0, learningRate: 0.01, momentum: 0.5, centered: true) }),
    ]

    /// At every instruction-set level the CPU has: AVX-512 sums in double, AVX2 and baseline in
    /// float blocks (within 4e-6 relative), with blocks out of float's range again in double.
    func testMeasuredStepsGiveTheSameBitsAndTheirNorms() throws {
        for level in availableVectorISALevels { try withVectorISALevel(level) { try measuredStepsGiveTheSameBitsAndTheirNorms() } }
    }

    func measuredStepsGiveTheSameBitsAndTheirNorms() throws {
        var rng = RandomGenerator(seed: 4)
        // Sizes that are not multiples of a vector width, and one that two threads update.
        let shapes = [[37, 29], [29], [301, 300]]
        let start = shapes.map { Tensor<Float>.normal(shape: $0, using: &rng) }
        let grads = (0..<4).map { _ in shapes.map { Tensor<Float>.normal(shape: $0, std: 0.3, using: &rng) } }
        for (name, make) in rules {
            let plain = start.map { Variable($0, requiresGrad: true) }, measured = start.map { Variable($0, requiresGrad: true) }
            let summed = start.map { Variable($0, requiresGrad: true) }
            let a = try make(plain), b = try make(measured), c = try make(summed)
            b.measuresSteps = true
            c.sumsGradientSquares = true
            for step in grads {
                let before = measured.map(\.value)
                for (v, g) in zip(plain, step) { v.grad = g }
                for (v, g) in zip(measured, step) { v.grad = g }
                for (v, g) in zip(summed, step) { v.grad = g }
                a.step()
                b.step()
                c.step()
                XCTAssertTrue(a.measures.allSatisfy { $0 == nil }, "\(name): nothing measured while off")
                XCTAssertNil(a.gradientSquares, "\(name): nothing summed while off")
                let total = step.reduce(0.0) { $0 + $1.scalars.reduce(0) { $0 + Double($1) * Double($1) } }
                XCTAssertEqual(try XCTUnwrap(c.gradientSquares, name), total, accuracy: 4e-6 * total, "\(name): summed in the update")
                XCTAssertEqual(try XCTUnwrap(b.gradientSquares, name), total, accuracy: 4e-6 * total, "\(name): from the measures")
                for (v, w) in zip(summed, plain) {
                    XCTAssertEqual(v.value.scalars.map(\.bitPattern), w.value.scalars.map(\.bitPattern), "\(name): summing changes no bit")
                }
                for (i, v) in measured.enumerated() {
                    XCTAssertEqual(v.value.scalars.map(\.bitPattern), plain[i].value.scalars.map(\.bitPattern), "\(name): parameter \(i)")
                    let m = try XCTUnwrap(b.measures[i], name)
                    func squares(_ t: Tensor<Float>) -> Double { t.scalars.reduce(0) { $0 + Double($1) * Double($1) } }
                    XCTAssertEqual(m.weightSquares, squares(v.value), accuracy: 4e-6 * squares(v.value), name)
                    XCTAssertEqual(m.gradientSquares, squares(step[i]), accuracy: 4e-6 * squares(step[i]), name)
                    let moved = zip(v.value.scalars, before[i].scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
                    XCTAssertEqual(m.updateSquares, moved, accuracy: 4e-6 * moved + 1e-30, name)
                    XCTAssertGreaterThan(m.updateSquares, 0, name)
                }
            }
            XCTAssertEqual(a.state.keys.sorted(), b.state.keys.sorted())
            for (key, buffers) in a.state { XCTAssertEqual(b.state[key]!, buffers, "\(name): \(key)") }
        }
    }

    /// Gradients far below float's square range (a vanishing gradient, |g| ≈ 1e-25, whose squares
    /// underflow float) and far above it (1e25), zeros, weights as tiny (1e-27) and huge (1e20),
    /// and a NaN: the sums keep double's range
    /// and precision, for sizes 1–40 (every remainder of a vector width) and one above it, and
    /// the weights get the same bits as unmeasured.
    func testMeasuresKeepDoublesRange() throws {
        for level in availableVectorISALevels { try withVectorISALevel(level) { try measuresKeepDoublesRange(level) } }
    }

    func measuresKeepDoublesRange(_ level: Int) throws {
        var rng = RandomGenerator(seed: 12)
        func squares(_ t: Tensor<Float>) -> Double { t.scalars.reduce(0) { $0 + Double($1) * Double($1) } }
        // (gradient scale, weight scale): the weights' own sums leave float's range too, tiny
        // (1e-27) and huge (1e20, where the steps fall under the weights' rounding: Δp = 0);
        // with weights of 1e-35 and gradients of 1e-10, Δp ≈ 1e-30 is not 0 but its scaled
        // square underflows float to 0: the block must not be taken for one of zeros.
        let cases: [(Float, Float)] = [(1e-25, 1), (1e25, 1), (0, 1), (1e-3, 1e-27), (1e-3, 1e20), (1e-10, 1e-35)]
        for (scale, weightScale) in cases {
            for size in Array(1...40) + [2500] {
                let start = Tensor<Float>.normal(shape: [size], using: &rng) * weightScale
                let grad = Tensor<Float>.normal(shape: [size], using: &rng) * scale
                let plain = Variable(start, requiresGrad: true), measured = Variable(start, requiresGrad: true)
                let a = try SGD(parameters: [plain], learningRate: 1e-20), b = try SGD(parameters: [measured], learningRate: 1e-20)
                b.measuresSteps = true
                plain.grad = grad
                measured.grad = grad
                a.step()
                b.step()
                XCTAssertEqual(measured.value.scalars.map(\.bitPattern), plain.value.scalars.map(\.bitPattern), "level \(level) \(scale) \(size)")
                let m = try XCTUnwrap(b.measures[0])
                // Out of float's range the sums are taken in double: exact to double's rounding.
                let gradientTolerance = weightScale == 1 ? 1e-12 : 4e-6
                XCTAssertEqual(m.gradientSquares, squares(grad), accuracy: gradientTolerance * squares(grad), "level \(level) \(scale) \(size)")
                XCTAssertEqual(m.weightSquares, squares(measured.value), accuracy: 4e-6 * squares(measured.value), "level \(level) \(scale) \(size)")
                let moved = zip(measured.value.scalars, start.scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
                XCTAssertEqual(m.updateSquares, moved, accuracy: 4e-6 * moved, "level \(level) \(scale) \(size)")
                if scale == 1e-25 { XCTAssertGreaterThan(m.gradientSquares, 0, "a vanishing gradient is measured, not lost") }
                if weightScale == 1e-35 { XCTAssertGreaterThan(m.updateSquares, 0, "level \(level) \(size): a tiny step is measured, not lost") }
            }
        }
        let withNaN = Variable(Tensor<Float>(repeating: 1, shape: [300]), requiresGrad: true)
        let sgd = try SGD(parameters: [withNaN], learningRate: 0.1)
        sgd.measuresSteps = true
        var grad = Tensor<Float>(repeating: 0.5, shape: [300])
        grad[137] = .nan
        withNaN.grad = grad
        sgd.step()
        XCTAssertTrue(try XCTUnwrap(sgd.measures[0]).gradientSquares.isNaN)
    }
}
