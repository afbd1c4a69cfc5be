import Experiments
import Diagnosis
import Layers
import XCTest
@testable import Doctor

final class RemedyTests: XCTestCase {
    let experiment = DefaultExperiment.experiment()

    func testReLUWithHeInitReplacesSigmoid() throws {
        let (e, changes) = try XCTUnwrap(Remedy.reluWithHeInit.apply(to: experiment))
        XCTAssertFalse(e.layers.contains { $0.activation == .sigmoid })
        XCTAssertEqual(changes["model.activation"], "relu")
        XCTAssertTrue(e.layers.allSatisfy { if case .linear(_, _, _, let i) = $0 { i == .weights(.kaimingNormal(nonlinearity: .relu)) } else { true } })
    }

    func testBatchNormResidualAndFewerLayers() throws {
        let bn = try XCTUnwrap(Remedy.batchNorm.apply(to: experiment)).experiment
        XCTAssertEqual(bn.layers.count, experiment.layers.count + 8)
        XCTAssertNil(Remedy.batchNorm.apply(to: bn), "BatchNorm is not added twice")
        let residual = try XCTUnwrap(Remedy.residual.apply(to: experiment)).experiment
        XCTAssertEqual(residual.layers.filter { if case .residual = $0 { true } else { false } }.count, 8)
        let fewer = try XCTUnwrap(Remedy.fewerLayers.apply(to: experiment)).experiment
        XCTAssertEqual(fewer.layers.filter { if case .linear = $0 { true } else { false } }.count, 5)
        // Each rewritten model still builds and fits the data.
        for e in [bn, residual, fewer] { XCTAssertNoThrow(try ExperimentSetup<Float>(e)) }
    }

    func testLearningRateClippingAndAdam() throws {
        XCTAssertEqual(Remedy.lowerLearningRate.apply(to: experiment)?.experiment.optimizer.learningRate, 0.01)
        XCTAssertEqual(Remedy.higherLearningRate.apply(to: experiment)?.experiment.optimizer.learningRate, 1)
        var tiny = experiment
        tiny.optimizer.learningRate = 1e-7
        XCTAssertEqual(Remedy.higherLearningRate.apply(to: tiny)?.changes["optimizer.lr"], "1e-06", "not 1.0000000000000002e-06")
        XCTAssertNotNil(Remedy.clipping.apply(to: experiment)?.experiment.clip)
        XCTAssertEqual(Remedy.adam.apply(to: experiment)?.experiment.optimizer.kind, .adam)
        XCTAssertNil(Remedy.lessDecay.apply(to: experiment), "no decay to lower")
        XCTAssertNil(Remedy.leakyReLU.apply(to: experiment), "no ReLU to replace")
    }
}

final class RecurrentRemedyTests: XCTestCase {
    let rnn = try! Experiment.load(path: VerdictTests.folder.appendingPathComponent("rnn_vanishing_time.json").path)

    func testGatedCellsKeepTheHiddenSize() throws {
        let (gru, changes) = try XCTUnwrap(Remedy.gruCell.apply(to: rnn))
        XCTAssertEqual(changes["model.cell"], "gru")
        let plan = try XCTUnwrap(gru.layers[0].recurrentPlan)
        XCTAssertEqual(plan.cell, .gru)
        XCTAssertEqual(plan.hiddenSize, 16)
        let lstm = try XCTUnwrap(Remedy.lstmCell.apply(to: rnn)).experiment
        XCTAssertEqual(lstm.layers[0].recurrentPlan?.cell, .lstm)
        XCTAssertEqual(lstm.layers[0].recurrentPlan?.forgetBias, 1)
        XCTAssertNil(Remedy.lstmCell.apply(to: lstm), "an LSTM is not replaced by an LSTM")
        XCTAssertNotNil(Remedy.gruCell.apply(to: lstm), "an LSTM may become a GRU")
        for e in [gru, lstm] { XCTAssertNoThrow(try ExperimentSetup<Float>(e)) }
    }

    func testForgetGateBiasAndOrthogonalRecurrentInit() throws {
        XCTAssertNil(Remedy.forgetGateBias.apply(to: rnn), "an RNN has no forget gate")
        let lstm = try XCTUnwrap(Remedy.gruCell.apply(to: rnn).flatMap { _ in Remedy.lstmCell.apply(to: rnn) }).experiment
        var noBias = lstm
        noBias.layers = noBias.layers.map { $0.changingRecurrent { $0.forgetBias = nil } }
        let biased = try XCTUnwrap(Remedy.forgetGateBias.apply(to: noBias)).experiment
        let setup = try ExperimentSetup<Float>(biased)
        let layer = try XCTUnwrap(setup.model.layers[0] as? RecurrentLayer<Float>)
        let h = layer.hiddenSize
        // Gate blocks i, f, g, o: b_ih's forget block is 1 and b_hh's is 0, so the gate starts at σ(1).
        XCTAssertEqual(Array(layer.biasIH!.value.scalars[h..<(2 * h)]), [Float](repeating: 1, count: h))
        XCTAssertEqual(Array(layer.biasHH!.value.scalars[h..<(2 * h)]), [Float](repeating: 0, count: h))
        let orthogonal = try XCTUnwrap(Remedy.orthogonalRecurrent.apply(to: rnn)).experiment
        XCTAssertEqual(orthogonal.layers[0].recurrentPlan?.recurrentInit, .weights(.orthogonal()))
        let w = try XCTUnwrap(try ExperimentSetup<Float>(orthogonal).model.layers[0] as? RecurrentLayer<Float>).weightHH.value
        // Each column of an orthogonal W_hh (gain 1) has unit norm.
        let n = w.shape[0]
        for i in 0..<n { XCTAssertEqual((0..<n).map { Double(w[$0, i] * w[$0, i]) }.reduce(0, +), 1, accuracy: 1e-4) }
        XCTAssertNil(Remedy.orthogonalRecurrent.apply(to: orthogonal), "not applied twice")
    }

    func testFanInInitOfARecurrentNetIsXavierNotHe() throws {
        // No ReLU between layers: an RNN/LSTM and its Linear head get Xavier (gain 1), not He.
        let (_, changes) = try XCTUnwrap(Remedy.fanInInit.apply(to: rnn))
        XCTAssertEqual(changes["model.init"], "xavier_normal")
    }

    func testTheDrivingFactorOrdersTheCandidates() {
        let depth = Finding(kind: .vanishingGradient, layer: "0", firstStep: 0, axis: .depth, evidence: [:], explanation: "")
        XCTAssertEqual(Remedy.candidates(for: depth, driver: "weight_scale").first, .fanInInit)
        XCTAssertEqual(Remedy.candidates(for: depth, driver: "activation_derivative").first, .reluWithHeInit)
        XCTAssertEqual(Set(Remedy.candidates(for: depth, driver: "weight_scale")), Set(Remedy.candidates(for: depth)), "only the order changes")
        let time = Finding(kind: .vanishingGradient, layer: "0", firstStep: 0, axis: .time, evidence: [:], explanation: "")
        XCTAssertEqual(Remedy.candidates(for: time, driver: "gate").prefix(2), [.forgetGateBias, .gruCell])
        XCTAssertEqual(Remedy.candidates(for: time, driver: "recurrent_weights").first, .orthogonalRecurrent)
    }

    func testStandardizeInputsLoadsTheDataAgain() throws {
        let (changed, changes) = try XCTUnwrap(Remedy.standardizeInputs.apply(to: rnn))
        XCTAssertEqual(changes, ["data.standardize": "true"])
        XCTAssertNil(Remedy.standardizeInputs.apply(to: changed), "already standardised")
        let setup = try ExperimentSetup<Float>(rnn)
        XCTAssertNil(setup.reusableData(for: changed), "the doctor must not reuse unstandardised data for it")
        XCTAssertNotNil(setup.reusableData(for: try XCTUnwrap(Remedy.gruCell.apply(to: rnn)).experiment))
    }

    func testTimeFindingsGetTheRecurrentRemedies() {
        let time = Finding(kind: .vanishingGradient, layer: "0", firstStep: 0, axis: .time, evidence: [:], explanation: "")
        XCTAssertEqual(Remedy.candidates(for: time).prefix(2), [.gruCell, .lstmCell])
        let depth = Finding(kind: .vanishingGradient, layer: "0", firstStep: 0, axis: .depth, evidence: [:], explanation: "")
        XCTAssertEqual(Remedy.candidates(for: depth), Remedy.candidates(for: .vanishingGradient))
        let exploding = Finding(kind: .explodingGradient, layer: "0", firstStep: 0, axis: .time, evidence: [:], explanation: "")
        XCTAssertEqual(Remedy.candidates(for: exploding).first, .clipping)
    }
}
