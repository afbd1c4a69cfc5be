import TensorCore
import Foundation

/// The IDX format of (Fashion-)MNIST: a big-endian magic number `00 00 08 D` (unsigned bytes,
/// `D` dimensions), `D` big-endian 32-bit sizes, then the bytes row-major. Files may be gzipped.
public enum IDX {
    /// The sizes and bytes of an IDX file of unsigned bytes, gzipped or plain; a missing,
    /// truncated or wrong-magic file is a `DataFormatError` naming it.
    public static func read(path: String) throws(DataFormatError) -> (shape: [Int], bytes: [UInt8]) {
        var bytes = [UInt8](try FileInput.bytes(path))
        if Gzip.isCompressed(bytes) { bytes = try Gzip.decompress(bytes, source: path) }
        return try parse(bytes, source: path)
    }

    /// Parses IDX bytes (already decompressed).
    public static func parse(_ bytes: [UInt8], source: String) throws(DataFormatError) -> (shape: [Int], bytes: [UInt8]) {
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw DataFormatError(source: source, reason: "not an IDX file (wrong magic number)")
        }
        guard bytes[2] == 0x08 else {
            throw DataFormatError(source: source, reason: "IDX element type 0x\(String(bytes[2], radix: 16)) is not unsigned bytes (0x08)")
        }
        let rank = Int(bytes[3])
        guard rank >= 1, bytes.count >= 4 + 4 * rank else {
            throw DataFormatError(source: source, reason: "IDX header ends early (truncated file?)")
        }
        let shape = (0..<rank).map { d in
            bytes[(4 + 4 * d)..<(8 + 4 * d)].reduce(0) { $0 << 8 | Int($1) }
        }
        let start = 4 + 4 * rank
        guard let count = CheckedSize.elements(shape) else {
            throw DataFormatError(source: source, reason: "IDX header's sizes \(shape) hold more elements than any file can")
        }
        guard bytes.count - start >= count else {
            throw DataFormatError(
                source: source, reason: "IDX data ends early: header says \(shape) = \(count) bytes, found \(bytes.count - start) (truncated file?)")
        }
        return (shape, Array(bytes[start..<(start + count)]))
    }
}
