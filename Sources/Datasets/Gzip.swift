import CZlib
import TensorCore

/// gzip decompression through zlib.
public enum Gzip {
    /// True when `bytes` start with the gzip magic number (1f 8b).
    public static func isCompressed(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// The decompressed content of a whole gzip stream; a truncated or corrupt stream is a
    /// `DataFormatError` naming `source`.
    /// At most `limit` bytes of output (default 4 GiB): more is an error, not an allocation failure.
    public static func decompress(_ bytes: [UInt8], source: String, limit: Int = 1 << 32) throws(DataFormatError) -> [UInt8] {
        guard bytes.count <= Int(UInt32.max) else { throw DataFormatError(source: source, reason: "gzip input over 4 GiB is not supported") }
        var stream = z_stream()
        // 15 window bits + 32: accept a gzip or zlib header.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataFormatError(source: source, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        var input = bytes
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: outBuffer.prefix(outBuffer.count - Int(stream.avail_out)))
                }
            } while status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0) && output.count <= limit
        }
        guard output.count <= limit else {
            throw DataFormatError(source: source, reason: "gzip data expands to more than \(CheckedSize.describe(bytes: Double(limit))) (not a data file?)")
        }
        guard status == Z_STREAM_END else {
            let reason = status == Z_OK || status == Z_BUF_ERROR ? "gzip data ends early (truncated file?)" : "corrupt gzip data (zlib status \(status))"
            throw DataFormatError(source: source, reason: reason)
        }
        return output
    }
}
