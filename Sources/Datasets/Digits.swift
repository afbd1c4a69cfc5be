import TensorCore

/// The embedded handwritten digits: 1,797 images of 8×8 pixels (64 features scaled from 0…16 to
/// [0, 1]) in 10 classes.
///
/// Data: UCI Machine Learning Repository, "Optical Recognition of Handwritten Digits",
/// E. Alpaydin and C. Kaynak (1998), CC BY 4.0 — the test part as scikit-learn ships it
/// (`load_digits`). It is compiled into the library (SwiftPM `embedInCode` resource), so no
/// file has to be found at run time.
public enum Digits {
    public static let sampleCount = 1797
    public static let featureCount = 64
    public static let classCount = 10

    /// Every sample: inputs `[1797, 64]` in [0, 1], targets `[1797]` class indices.
    public static func load<Scalar: TensorScalar>(as _: Scalar.Type = Scalar.self) throws(DataFormatError) -> (inputs: Tensor<Scalar>, targets: Tensor<Scalar>) {
        let text = try Gzip.decompress(PackageResources.digits_csv_gz, source: "digits.csv.gz")
        var inputs: [Scalar] = [], targets: [Scalar] = []
        inputs.reserveCapacity(sampleCount * featureCount)
        var row: [Int] = []
        var value = 0, hasDigit = false, line = 1
        func endRow() throws(DataFormatError) {
            guard !row.isEmpty else { return }
            guard row.count == featureCount + 1, row.last! < classCount, row.dropLast().allSatisfy({ $0 <= 16 }) else {
                throw DataFormatError(source: "digits.csv.gz", reason: "line \(line): expected 64 pixels in 0…16 and a class 0…9")
            }
            inputs += row.dropLast().map { Scalar($0) / 16 }
            targets.append(Scalar(row.last!))
            row.removeAll(keepingCapacity: true)
        }
        for byte in text {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                hasDigit = true
            case UInt8(ascii: ","), UInt8(ascii: "\n"):
                if hasDigit { row.append(value) }
                value = 0
                hasDigit = false
                if byte == UInt8(ascii: "\n") {
                    try endRow()
                    line += 1
                }
            case UInt8(ascii: "\r"): break
            default: throw DataFormatError(source: "digits.csv.gz", reason: "line \(line): unexpected character")
            }
        }
        if hasDigit { row.append(value) }
        try endRow()
        guard targets.count == sampleCount else {
            throw DataFormatError(source: "digits.csv.gz", reason: "expected \(sampleCount) samples, found \(targets.count)")
        }
        return (Tensor(shape: [sampleCount, featureCount], scalars: inputs), Tensor(targets))
    }
}
