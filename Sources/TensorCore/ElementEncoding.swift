/// How one element is stored in a binary tensor file (`.npy`, safetensors): little-endian
/// IEEE floats of 16, 32 or 64 bits, bfloat16, signed and unsigned integers, or bool bytes.
public enum ElementEncoding: Sendable, Equatable, CaseIterable {
    case float16, bfloat16, float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .int8, .uint8, .bool: 1
        case .float16, .bfloat16, .int16, .uint16: 2
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// True for the integer and bool encodings (class labels rather than measurements).
    public var isIntegral: Bool { ![.float16, .bfloat16, .float32, .float64].contains(self) }

    /// The element at `p` (no alignment needed), widened to Double (exact for every encoding
    /// but 64-bit integers beyond 2⁵³).
    @inlinable
    public func value(at p: UnsafeRawPointer) -> Double {
        switch self {
        case .float16: Double(Self.halfToFloat(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))))
        case .bfloat16: Double(Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))) << 16))
        case .float32: Double(Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))))
        case .float64: Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
        case .int8: Double(p.load(as: Int8.self))
        case .int16: Double(Int16(littleEndian: p.loadUnaligned(as: Int16.self)))
        case .int32: Double(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
        case .int64: Double(Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
        case .uint8, .bool: Double(p.load(as: UInt8.self))
        case .uint16: Double(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
        case .uint32: Double(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
        case .uint64: Double(UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
        }
    }

    /// `count` elements from `bytes` as a tensor of `Scalar`.
    @inlinable
    public func decode<Scalar: TensorScalar>(_ bytes: UnsafeRawBufferPointer, shape: [Int], as _: Scalar.Type = Scalar.self) -> Tensor<Scalar> {
        let count = Tensor<Scalar>.elementCount(shape)
        precondition(bytes.count >= count * size, "ElementEncoding.decode: \(bytes.count) bytes hold fewer than \(count) elements")
        return Tensor(shape: shape) { out in
            guard count > 0 else { return }
            let base = bytes.baseAddress!
            for i in 0..<count { out[i] = Scalar(value(at: base + i * size)) }
        }
    }

    /// IEEE 754 binary16 bits to Float (subnormals, infinities and NaN included).
    @inlinable
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31, exponent = UInt32(h >> 10) & 0x1f, mantissa = UInt32(h) & 0x3ff
        if exponent == 0x1f { return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13)) }
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
}
