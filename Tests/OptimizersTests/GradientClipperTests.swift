import Autodiff
import Optimizers
import TensorCore
import XCTest

final class GradientClipperTests: XCTestCase {
    func parameters(_ grads: [[Float]]) -> [(name: String, variable: Variable<Float>)] {
        grads.enumerated().map { i, g in
            let v = Variable(Tensor<Float>(g.map { _ in 1 }), requiresGrad: true)
            v.grad = Tensor(g)
            return ("\(i).weight", v)
        }
    }

    func testGlobalNormScalesByMaxOverNormAndReturnsNormBeforeClipping() throws {
        let params = parameters([[3, 0], [0, 4]])  // total norm 5
        let clipper = try GradientClipper(rule: .norm(maxNorm: 1))
        let outcome = try clipper.clip(params)
        XCTAssertEqual(outcome.totalNorm, 5)
        let s = Float(1 / (5 + 1e-6))
        XCTAssertEqual(params[0].variable.grad!.scalars, [3 * s, 0])
        XCTAssertEqual(params[1].variable.grad!.scalars, [0, 4 * s])
        XCTAssertEqual(clipper.statistics.clippedSteps, 1)
        XCTAssertEqual(clipper.statistics.largestNorm, 5)
    }

    func testInfinityNormIsTheLargestMagnitude() throws {
        let outcome = try GradientClipper(rule: .norm(maxNorm: 10, normType: .infinity)).clip(parameters([[3, -7], [2]]))
        XCTAssertEqual(outcome.totalNorm, 7)
        XCTAssertEqual(outcome.scale, 1)
    }

    func testValueAndPerParameterClipping() throws {
        let params = parameters([[0.5, -3], [0.1]])
        _ = try GradientClipper(rule: .value(clipValue: 1)).clip(params)
        XCTAssertEqual(params[0].variable.grad!.scalars, [0.5, -1])
        let per = parameters([[3, 4], [0.3, 0.4]])
        let outcome = try GradientClipper(rule: .perParameter(maxNorm: 1)).clip(per)
        XCTAssertEqual(per[0].variable.grad!.l2Norm(), 1, accuracy: 1e-5)
        XCTAssertEqual(per[1].variable.grad!.scalars, [0.3, 0.4], "a small gradient is left alone")
        XCTAssertEqual(outcome.scale!, 1 / (5 + 1e-6), accuracy: 1e-9)
    }

    func testStatisticsOverSteps() throws {
        let clipper = try GradientClipper(rule: .norm(maxNorm: 2))
        _ = try clipper.clip(parameters([[4]]))  // scale ≈ 0.5
        _ = try clipper.clip(parameters([[1]]))  // not clipped
        XCTAssertEqual(clipper.statistics.steps, 2)
        XCTAssertEqual(clipper.statistics.clippedSteps, 1)
        XCTAssertEqual(clipper.statistics.minimumScale, 2 / (4 + 1e-6), accuracy: 1e-9)
        XCTAssertEqual(clipper.statistics.meanScale, (2 / (4 + 1e-6) + 1) / 2, accuracy: 1e-9)
    }

    func testErrorPolicyNamesTheParameter() throws {
        let clipper = try GradientClipper(rule: .norm(maxNorm: 1), nonFinite: .error)
        XCTAssertThrowsError(try clipper.clip(parameters([[1], [.nan, 2]]))) { error in
            XCTAssertEqual((error as? NonFiniteGradientError)?.parameter, "1.weight")
            XCTAssertTrue("\(error)".hasPrefix("non-finite gradient in parameter 1.weight"))
        }
        XCTAssertThrowsError(try GradientClipper(rule: .norm(maxNorm: 1, normType: .infinity), nonFinite: .error)
            .clip(parameters([[1], [.nan]])), "a NaN must not vanish from the ∞-norm")
    }

    func testSkipPolicyLeavesWeightsAndStateBitIdentical() throws {
        let params = parameters([[0.5, 0.25], [1]])
        let optimizer = try Adam(parameters: params.map(\.variable), learningRate: 0.1)
        let clipper = try GradientClipper(rule: .norm(maxNorm: 1), nonFinite: .skip)
        if try clipper.clip(params).shouldStep { optimizer.step() }  // a normal step first: state exists
        let weights = params.map(\.variable.value)
        let state = optimizer.state
        let steps = optimizer.parameterSteps
        params[1].variable.grad = Tensor([.infinity])
        params[0].variable.grad = Tensor([0.5, 0.25])
        let outcome = try clipper.clip(params)
        XCTAssertFalse(outcome.shouldStep)
        if outcome.shouldStep { optimizer.step() }
        XCTAssertEqual(params.map(\.variable.value), weights)
        XCTAssertEqual(optimizer.state["exp_avg"]!.map { $0! }, state["exp_avg"]!.map { $0! })
        XCTAssertEqual(optimizer.state["exp_avg_sq"]!.map { $0! }, state["exp_avg_sq"]!.map { $0! })
        XCTAssertEqual(optimizer.parameterSteps, steps)
        XCTAssertEqual(clipper.statistics.skippedSteps, 1)
    }

    func testPropagatePolicyMatchesPyTorch() throws {
        // clip_grad_norm_ with a NaN: the coefficient is NaN, every gradient becomes NaN,
        // and SGD writes NaN into every weight.
        let params = parameters([[1, 2], [.nan]])
        let optimizer = try SGD(parameters: params.map(\.variable), learningRate: 0.1)
        let outcome = try GradientClipper(rule: .norm(maxNorm: 1), nonFinite: .propagate).clip(params)
        XCTAssertTrue(outcome.totalNorm.isNaN)
        XCTAssertTrue(outcome.shouldStep)
        optimizer.step()
        XCTAssertTrue(params.allSatisfy { $0.variable.value.scalars.allSatisfy(\.isNaN) })
    }
}
