import Foundation
import TensorCore

/// Writes tensors in the safetensors layout (Hugging Face): an 8-byte little-endian header
/// length, a JSON header `{name: {"dtype": "F32", "shape": […], "data_offsets": [begin, end]}}`
/// padded with spaces to a multiple of 8, then the raw little-endian data in header order.
public enum SafetensorsWriter {
    public static func encode(_ tensors: [String: Tensor<Float>]) -> Data {
        var header: [String] = [], offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            header.append("\"\(escaped)\":{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + 4 * t.count)]}")
            offset += 4 * t.count
        }
        var json = "{\"__metadata__\":{\"format\":\"pt\"}" + (header.isEmpty ? "" : ",") + header.joined(separator: ",") + "}"
        while json.utf8.count % 8 != 0 { json += " " }
        var data = Data()
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(json.utf8))
        for name in names {
            tensors[name]!.withUnsafeBufferPointer { p in
                for v in p { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            }
        }
        return data
    }
}
