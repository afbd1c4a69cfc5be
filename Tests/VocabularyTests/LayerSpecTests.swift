import Foundation
import Layers
import TensorCore
import Vocabulary
import XCTest

/// The reference cases' layer vocabulary: decoding and building.
final class LayerSpecTests: XCTestCase {
    func testBuildFromLayerSpecs() throws {
        let json = #"[{"type": "linear", "in": 5, "out": 7}, {"type": "leaky_relu", "negative_slope": 0.2}, {"type": "linear", "in": 7, "out": 3, "bias": false}, {"type": "elu"}]"#
        let specs = try JSONDecoder().decode([LayerSpec].self, from: Data(json.utf8))
        XCTAssertEqual(specs[1], .activation(.leakyReLU(negativeSlope: 0.2)))
        XCTAssertEqual(specs[3], .activation(.elu(alpha: 1)))
        var rng = RandomGenerator(seed: 1)
        let model: Sequential<Float> = try LayerSpec.buildModel(specs, using: &rng)
        XCTAssertEqual(model.namedParameters().map(\.name), ["0.weight", "0.bias", "2.weight"])
        let unknown = try JSONDecoder().decode([LayerSpec].self, from: Data(#"[{"type": "conv2d"}]"#.utf8))
        XCTAssertThrowsError(try LayerSpec.buildModel(unknown, using: &rng) as Sequential<Float>) {
            XCTAssertEqual("\($0)", "model[0]: unsupported: conv2d")
        }
    }

    func testLayerSpecDecodesRecurrentLayers() throws {
        let json = #"[{"type": "rnn", "input": 2, "hidden": 3, "nonlinearity": "relu", "return_sequences": true}, {"type": "gru", "input": 3, "hidden": 4}]"#
        let specs = try JSONDecoder().decode([LayerSpec].self, from: Data(json.utf8))
        XCTAssertEqual(specs, [.recurrent(cell: .rnn(nonlinearity: .relu), inputSize: 2, hiddenSize: 3, returnsSequences: true),
                               .recurrent(cell: .gru, inputSize: 3, hiddenSize: 4, returnsSequences: false)])
        var rng = RandomGenerator(seed: 1)
        let model: Sequential<Float> = try LayerSpec.buildModel(specs, using: &rng)
        XCTAssertEqual(try model.outputShape(for: [2, 5, 2]), [2, 4])
        let bad = #"[{"type": "rnn", "input": 2, "hidden": 3, "nonlinearity": "sigmoid"}]"#
        XCTAssertThrowsError(try JSONDecoder().decode([LayerSpec].self, from: Data(bad.utf8))) {
            XCTAssertTrue("\($0)".contains("rnn nonlinearity must be"), "\($0)")
        }
        let zero = try JSONDecoder().decode([LayerSpec].self, from: Data(#"[{"type": "lstm", "input": 0, "hidden": 3}]"#.utf8))
        XCTAssertThrowsError(try LayerSpec.buildModel(zero, using: &rng) as Sequential<Float>) {
            XCTAssertEqual("\($0)", "model[0]: lstm sizes must be positive, got input 0, hidden 3")
        }
    }
}
