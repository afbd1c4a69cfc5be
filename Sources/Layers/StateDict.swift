import TensorCore

/// Why a state dict could not be loaded into a model.
public enum StateDictError: Error, CustomStringConvertible, Equatable {
    case missingKeys([String])
    case unexpectedKeys([String])
    case shapeMismatch(name: String, expected: [Int], got: [Int])

    public var description: String {
        switch self {
        case .missingKeys(let k): "state dict: missing parameters \(k.joined(separator: ", "))"
        case .unexpectedKeys(let k): "state dict: unexpected parameters \(k.joined(separator: ", "))"
        case .shapeMismatch(let name, let expected, let got):
            "state dict: parameter \(name) has shape \(got), the model needs \(expected)"
        }
    }
}

extension Module {
    /// Every parameter's and buffer's value by PyTorch `state_dict` name.
    public func stateDict() -> [String: Tensor<Scalar>] {
        Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.name, $0.variable.value) }
            + namedBuffers().map { ($0.name, $0.buffer.value) })
    }

    /// Sets parameters and buffers from a name → tensor map (any scalar type; converted). With
    /// `strict` (the default), a missing parameter or an unexpected name is an error, as in
    /// PyTorch; a missing buffer keeps its value (files written before training have none).
    /// Nothing is changed unless every entry fits.
    public func loadStateDict<Other: TensorScalar>(_ state: [String: Tensor<Other>], strict: Bool = true) throws(StateDictError) {
        let named = namedParameters()
        let buffers = namedBuffers()
        let names = Set(named.map(\.name) + buffers.map(\.name))
        if strict {
            let missing = named.map(\.name).filter { state[$0] == nil }
            if !missing.isEmpty { throw .missingKeys(missing) }
            let unexpected = state.keys.filter { !names.contains($0) }.sorted()
            if !unexpected.isEmpty { throw .unexpectedKeys(unexpected) }
        }
        let shapes = named.map { ($0.name, $0.variable.shape) } + buffers.map { ($0.name, $0.buffer.value.shape) }
        for (name, shape) in shapes {
            if let t = state[name], t.shape != shape { throw .shapeMismatch(name: name, expected: shape, got: t.shape) }
        }
        for (name, variable) in named {
            if let t = state[name] { variable.value = Tensor<Scalar>(t) }
        }
        for (name, buffer) in buffers {
            if let t = state[name] { buffer.value = Tensor<Scalar>(t) }
        }
    }
}
