import Foundation
import TensorCore

/// NumPy's `.npy` format (version 1–3): magic `\x93NUMPY`, a version, a header length, a Python
/// dict literal (`descr`, `fortran_order`, `shape`), then the array in C order.
/// Reads little-endian floats (16/32/64 bits), integers of 1–8 bytes and bool.
public enum NPY {
    /// The array in `path` as a tensor of `Scalar`; any other layout is a `DataFormatError`.
    /// `integral` tells whether the stored dtype was an integer or bool (class labels).
    public static func read<Scalar: TensorScalar>(
        path: String, as _: Scalar.Type = Scalar.self
    ) throws(DataFormatError) -> (array: Tensor<Scalar>, integral: Bool) {
        try parseArray([UInt8](try FileInput.bytes(path)), source: path)
    }

    /// Parses the bytes of a `.npy` file.
    public static func parse<Scalar: TensorScalar>(_ bytes: [UInt8], source: String) throws(DataFormatError) -> Tensor<Scalar> {
        try parseArray(bytes, source: source).array
    }

    static func parseArray<Scalar: TensorScalar>(_ bytes: [UInt8], source: String) throws(DataFormatError) -> (array: Tensor<Scalar>, integral: Bool) {
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw DataFormatError(source: source, reason: "not a .npy file (wrong magic)")
        }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        guard (1...3).contains(major), bytes.count >= 8 + lengthBytes else {
            throw DataFormatError(source: source, reason: "unsupported .npy version \(major)")
        }
        let headerLength = bytes[8..<(8 + lengthBytes)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let start = 8 + lengthBytes + headerLength
        guard bytes.count >= start, let header = String(bytes: bytes[(8 + lengthBytes)..<start], encoding: .utf8) else {
            throw DataFormatError(source: source, reason: ".npy header ends early (truncated file?)")
        }
        let descr = try field("descr", in: header, source: source)
        guard try field("fortran_order", in: header, source: source) == "False" else {
            throw DataFormatError(source: source, reason: "Fortran-order arrays are not supported (save with np.ascontiguousarray)")
        }
        let shapeText = try field("shape", in: header, source: source)
        let dimensions = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = dimensions.compactMap { Int($0) }
        guard shape.count == dimensions.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw DataFormatError(source: source, reason: ".npy shape (\(dimensions.joined(separator: ", "))) must list integers ≥ 0")
        }
        let kind = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        guard let encoding = encoding(kind) else {
            throw DataFormatError(source: source, reason: "dtype \(kind) is not supported (use float32, float64, integers or bool, little-endian)")
        }
        guard let needed = CheckedSize.bytes(shape, elementSize: encoding.size) else {
            throw DataFormatError(source: source, reason: ".npy shape \(shape) holds more elements than any file can")
        }
        guard bytes.count - start >= needed else {
            throw DataFormatError(source: source, reason: "data ends early: shape \(shape) needs \(needed) bytes, found \(bytes.count - start) (truncated file?)")
        }
        let array: Tensor<Scalar> = bytes.withUnsafeBytes { raw in encoding.decode(UnsafeRawBufferPointer(rebasing: raw[start...]), shape: shape) }
        return (array, encoding.isIntegral)
    }

    /// `'key': value` in the header dict (value up to the next `,` outside parentheses).
    static func field(_ key: String, in header: String, source: String) throws(DataFormatError) -> String {
        guard let keyRange = header.range(of: "'\(key)':") else {
            throw DataFormatError(source: source, reason: ".npy header has no '\(key)'")
        }
        var depth = 0, value = ""
        for ch in header[keyRange.upperBound...] {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if (ch == "," && depth == 0) || ch == "}" { break }
            value.append(ch)
        }
        return value.trimmingCharacters(in: .whitespaces)
    }

    /// The element encoding of a little-endian `descr` (`<f4`, `|u1`, …).
    static func encoding(_ descr: String) -> ElementEncoding? {
        switch descr {
        case "<f2": .float16
        case "<f4": .float32
        case "<f8": .float64
        case "|i1": .int8
        case "<i2": .int16
        case "<i4": .int32
        case "<i8": .int64
        case "|u1": .uint8
        case "<u2": .uint16
        case "<u4": .uint32
        case "<u8": .uint64
        case "|b1": .bool
        default: nil
        }
    }
}
