import Foundation

/// Appends records in the TFRecord framing TensorBoard reads event files in: for each record,
/// its length as a little-endian UInt64, the masked CRC-32C of those 8 bytes, the data, and the
/// masked CRC-32C of the data.
public final class TFRecordWriter {
    private let handle: FileHandle
    public let path: String

    /// Creates (or truncates) the file at `path`.
    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        self.path = path
    }

    deinit { try? handle.close() }

    /// The framed bytes of one record.
    public static func frame(_ data: Data) -> Data {
        var out = Data(capacity: data.count + 16)
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian) { Data($0) }
        out.append(length)
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { out.append(contentsOf: $0) }
        out.append(data)
        withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { out.append(contentsOf: $0) }
        return out
    }

    /// Appends one record.
    public func write(_ data: Data) throws { try handle.write(contentsOf: Self.frame(data)) }

    /// Flushes to disk.
    public func flush() throws { try handle.synchronize() }

    /// Flushes to disk and closes the file.
    public func close() throws {
        try handle.synchronize()
        try handle.close()
    }
}
