import Foundation
import TensorCore

/// A safetensors file (Hugging Face's format, the one `torch`/`safetensors.numpy` `save_file`
/// writes): an 8-byte little-endian header length N, N bytes of JSON
/// `{"__metadata__": {…}, NAME: {"dtype": "F32", "shape": […], "data_offsets": [begin, end]}}`
/// padded with spaces, then the tensors' little-endian bytes, offsets relative to the data start.
///
/// Reads every dtype of the format but F8/complex (floats F16, BF16, F32, F64; integers I8–I64
/// and U8–U64; BOOL); writes F32 (Float) or F64 (Double). Every malformation — a short file, a
/// header that is not a JSON object, an unknown dtype, offsets outside the data or not matching
/// the shape — is a `DataFormatError` naming the file and, where there is one, the tensor.
public struct SafetensorsFile: Sendable {
    /// One stored tensor: its dtype name (`"F32"`), shape and values widened to Double.
    public struct Entry: Sendable, Equatable {
        public var dtype: String
        public var tensor: Tensor<Double>
    }

    /// The tensors by name.
    public var entries: [String: Entry]
    /// The `__metadata__` strings (PyTorch writes `{"format": "pt"}`).
    public var metadata: [String: String]

    /// The header may be at most 100 MB, as in the reference implementation.
    static let maximumHeaderLength = 100_000_000

    /// dtype names of the format and their encodings.
    static let encodings: [String: ElementEncoding] = [
        "F16": .float16, "BF16": .bfloat16, "F32": .float32, "F64": .float64,
        "I8": .int8, "I16": .int16, "I32": .int32, "I64": .int64,
        "U8": .uint8, "U16": .uint16, "U32": .uint32, "U64": .uint64, "BOOL": .bool,
    ]

    /// The tensors as `Scalar` by name (the `state_dict` a model loads).
    public func tensors<Scalar: TensorScalar>(as _: Scalar.Type = Scalar.self) -> [String: Tensor<Scalar>] {
        entries.mapValues { Tensor<Scalar>($0.tensor) }
    }

    /// Reads the file at `path`.
    public static func read(path: String) throws(DataFormatError) -> SafetensorsFile {
        try decode(try FileInput.bytes(path), source: path)
    }

    /// Parses safetensors bytes; `source` names them in errors.
    public static func decode(_ data: Data, source: String = "safetensors data") throws(DataFormatError) -> SafetensorsFile {
        func fail(_ reason: String) -> DataFormatError { DataFormatError(source: source, reason: reason) }
        guard data.count >= 8 else { throw fail("\(data.count) bytes is too short for a safetensors file (8-byte header length missing)") }
        let bytes = [UInt8](data)
        let length = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(maximumHeaderLength) else { throw fail("header length \(length) is larger than 100 MB (not a safetensors file?)") }
        guard UInt64(bytes.count - 8) >= length else {
            throw fail("the header needs \(length) bytes but the file has \(bytes.count - 8) after the length (truncated file?)")
        }
        let headerEnd = 8 + Int(length)
        do { try StrictJSON.validate(Data(bytes[8..<headerEnd]), source: source) } catch {
            throw fail("the header is not a JSON object (not a safetensors file?): \(error.reason)")
        }
        guard let header = try? JSONDecoder().decode([String: HeaderField].self, from: Data(bytes[8..<headerEnd])) else {
            throw fail("the header is not a JSON object (not a safetensors file?)")
        }
        let dataLength = bytes.count - headerEnd
        var entries: [String: Entry] = [:], metadata: [String: String] = [:]
        var spans: [(begin: Int, end: Int, name: String)] = []
        for (name, field) in header {
            if name == "__metadata__" {
                guard let strings = field.strings else { throw fail("__metadata__ must map strings to strings") }
                metadata = strings
                continue
            }
            guard field.isObject else { throw fail("tensor \(name): expected an object with dtype, shape and data_offsets") }
            guard let dtype = field.dtype else { throw fail("tensor \(name): no dtype") }
            guard let encoding = encodings[dtype] else {
                throw fail("tensor \(name): dtype \(dtype) is not supported (known: \(encodings.keys.sorted().joined(separator: ", ")))")
            }
            guard let shape = field.shape, shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("tensor \(name): shape must be a list of non-negative integers")
            }
            guard let offsets = field.offsets, offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw fail("tensor \(name): data_offsets must be [begin, end] with 0 ≤ begin ≤ end")
            }
            guard let needed = CheckedSize.bytes(shape, elementSize: encoding.size) else {
                throw fail("tensor \(name): shape \(shape) holds more elements than any file can")
            }
            guard offsets[1] - offsets[0] == needed else {
                throw fail("tensor \(name): shape \(shape) of \(dtype) needs \(needed) bytes, data_offsets span \(offsets[1] - offsets[0])")
            }
            guard offsets[1] <= dataLength else {
                throw fail("tensor \(name): data_offsets end at \(offsets[1]) but the data has \(dataLength) bytes (truncated file?)")
            }
            let tensor: Tensor<Double> = bytes.withUnsafeBytes { raw in
                encoding.decode(UnsafeRawBufferPointer(rebasing: raw[(headerEnd + offsets[0])..<(headerEnd + offsets[1])]), shape: shape)
            }
            entries[name] = Entry(dtype: dtype, tensor: tensor)
            spans.append((offsets[0], offsets[1], name))
        }
        spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var position = 0
        for span in spans {
            guard span.begin == position else {
                throw fail(span.begin < position ? "tensor \(span.name) overlaps the tensor before it" : "a gap of \(span.begin - position) bytes before tensor \(span.name)")
            }
            position = span.end
        }
        guard position == dataLength else { throw fail("\(dataLength - position) bytes after the last tensor belong to none") }
        return SafetensorsFile(entries: entries, metadata: metadata)
    }

    /// One value of the header, read leniently so that each problem gets its own message:
    /// `__metadata__`'s strings, or a tensor's fields (nil where missing or of the wrong type).
    private struct HeaderField: Decodable {
        enum Key: String, CodingKey { case dtype, shape, dataOffsets = "data_offsets" }
        var strings: [String: String]?
        var isObject = false
        var dtype: String?
        var shape: [Int]?
        var offsets: [Int]?

        init(from decoder: any Decoder) throws {
            strings = try? decoder.singleValueContainer().decode([String: String].self)
            guard let fields = try? decoder.container(keyedBy: Key.self) else { return }
            isObject = true
            dtype = try? fields.decode(String.self, forKey: .dtype)
            shape = try? fields.decode([Int].self, forKey: .shape)
            offsets = try? fields.decode([Int].self, forKey: .dataOffsets)
        }
    }

    /// The safetensors bytes of `tensors` (F32 for Float, F64 for Double), names sorted,
    /// with `metadata` (default `{"format": "pt"}`, what PyTorch's loaders look for).
    public static func encode<Scalar: TensorScalar>(_ tensors: [String: Tensor<Scalar>], metadata: [String: String] = ["format": "pt"]) -> Data {
        let dtype = Scalar.self == Double.self ? "F64" : "F32", size = MemoryLayout<Scalar>.size
        let names = tensors.keys.sorted()
        var fields: [String] = [], offset = 0
        if !metadata.isEmpty {
            fields.append("\"__metadata__\":{" + metadata.sorted { $0.key < $1.key }.map { "\(quoted($0.key)):\(quoted($0.value))" }.joined(separator: ",") + "}")
        }
        for name in names {
            let t = tensors[name]!
            fields.append("\(quoted(name)):{\"dtype\":\"\(dtype)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size * t.count)]}")
            offset += size * t.count
        }
        var json = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: json)
        for name in names {
            // Float and Double are little-endian on every platform Swift runs on.
            tensors[name]!.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: $0.baseAddress, count: $0.count)) }
        }
        return data
    }

    /// Writes `tensors` to `path` (replacing it atomically).
    public static func write<Scalar: TensorScalar>(_ tensors: [String: Tensor<Scalar>], to path: String) throws(DataFormatError) {
        do { try encode(tensors).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw DataFormatError(source: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// `text` as a JSON string literal.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
