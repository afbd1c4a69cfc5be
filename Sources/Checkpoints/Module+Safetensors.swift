import Layers
import TensorCore

/// Why weights could not be loaded into a model from a file.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case file(DataFormatError)
    /// The file was read but does not fit the model: missing or unexpected names, wrong shapes.
    case stateDict(path: String, StateDictError)

    public var description: String {
        switch self {
        case .file(let error): error.description
        case .stateDict(let path, let error): "\(path): \(error.description)"
        }
    }
}

extension Module {
    /// Saves the `state_dict` (parameters and buffers, PyTorch names such as `0.weight`,
    /// `2.running_mean`) as safetensors, which `safetensors.torch.load_file` and
    /// `model.load_state_dict` read back into the same PyTorch architecture.
    public func saveSafetensors(to path: String) throws(DataFormatError) {
        try SafetensorsFile.write(stateDict(), to: path)
    }

    /// Loads parameters and buffers from a safetensors file written by GradGuard or by PyTorch
    /// (`safetensors.torch.save_file(model.state_dict(), path)`); any float or integer dtype is
    /// converted. `strict` as in `loadStateDict`. Nothing changes unless every tensor fits.
    public func loadSafetensors(from path: String, strict: Bool = true) throws(CheckpointError) {
        let file: SafetensorsFile
        do { file = try SafetensorsFile.read(path: path) } catch { throw .file(error) }
        do { try loadStateDict(file.tensors(as: Double.self), strict: strict) } catch { throw .stateDict(path: path, error) }
    }
}
