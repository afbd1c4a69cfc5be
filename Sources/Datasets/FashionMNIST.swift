import Foundation
import TensorCore

/// Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017): 28×28 grey images of clothing in 10 classes,
/// read from IDX files such as Debian's `dataset-fashion-mnist` installs.
public enum FashionMNIST {
    /// Where Debian's `dataset-fashion-mnist` puts the files.
    public static let defaultPath = "/usr/share/datasets/fashion-mnist"

    /// The training set (the first `limit` of 60,000 images, all by default) and the test set
    /// (the first `limit` of 10,000): inputs `[n, 784]` in [0, 1], targets `[n]` class indices.
    /// Files are `train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`, `t10k-…`.
    public static func load<Scalar: TensorScalar>(
        path: String = defaultPath, limit: Int? = nil, as _: Scalar.Type = Scalar.self
    ) throws(DataFormatError) -> (train: InMemoryDataset<Scalar>, test: InMemoryDataset<Scalar>) {
        (try split("train", in: path, limit: limit), try split("t10k", in: path, limit: limit))
    }

    static func split<Scalar: TensorScalar>(_ prefix: String, in folder: String, limit: Int?) throws(DataFormatError) -> InMemoryDataset<Scalar> {
        let images = try IDX.read(path: try locate("\(prefix)-images-idx3-ubyte", in: folder))
        let labels = try IDX.read(path: try locate("\(prefix)-labels-idx1-ubyte", in: folder))
        guard images.shape.count == 3, labels.shape.count == 1, images.shape[0] == labels.shape[0] else {
            throw DataFormatError(source: folder, reason: "\(prefix) images \(images.shape) and labels \(labels.shape) do not match")
        }
        let n = Swift.min(images.shape[0], limit ?? .max), width = images.shape[1] * images.shape[2]
        guard labels.bytes.prefix(n).allSatisfy({ $0 < 10 }) else {
            throw DataFormatError(source: folder, reason: "\(prefix) labels must be 0…9")
        }
        let inputs = Tensor<Scalar>(shape: [n, width]) { out in
            for i in 0..<(n * width) { out[i] = Scalar(images.bytes[i]) / 255 }
        }
        return InMemoryDataset(inputs: inputs, targets: Tensor(labels.bytes.prefix(n).map { Scalar($0) }))
    }

    /// `name.gz` or `name` in `folder`.
    static func locate(_ name: String, in folder: String) throws(DataFormatError) -> String {
        for candidate in ["\(folder)/\(name).gz", "\(folder)/\(name)"] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        throw DataFormatError(source: "\(folder)/\(name)[.gz]", reason: "no such file (install Debian's dataset-fashion-mnist, or set data.path)")
    }
}
