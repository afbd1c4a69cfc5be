import Foundation

/// Reads a file a user named, with an error that says what is wrong: missing, a folder, not
/// readable (permissions), not UTF-8 text (with the byte offset), or larger than a reader allows.
public enum FileInput {
    /// The bytes of `path`; `limit` bytes at most (default: no limit).
    public static func bytes(_ path: String, limit: Int = .max) throws(DataFormatError) -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw DataFormatError(source: path, reason: "no such file")
        }
        guard !isFolder.boolValue else { throw DataFormatError(source: path, reason: "is a folder, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw DataFormatError(source: path, reason: "cannot be read (permission denied)")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
            throw DataFormatError(source: path, reason: "is \(CheckedSize.describe(bytes: Double(size))), more than the \(CheckedSize.describe(bytes: Double(limit))) this reader accepts")
        }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DataFormatError(source: path, reason: "cannot be read (\((error as NSError).localizedFailureReason ?? error.localizedDescription))")
        }
    }

    /// The text of `path`, which must be UTF-8.
    public static func text(_ path: String, limit: Int = .max) throws(DataFormatError) -> String {
        try utf8(try bytes(path, limit: limit), source: path)
    }

    /// `data` as UTF-8 text, or an error naming the first byte that is not.
    public static func utf8(_ data: Data, source: String) throws(DataFormatError) -> String {
        if let text = String(data: data, encoding: .utf8) { return text }
        let offset = firstInvalidUTF8(Array(data)) ?? 0
        throw DataFormatError(source: source, reason: "is not UTF-8 text (byte \(offset): 0x\(String(data[data.startIndex + offset], radix: 16, uppercase: true)); save it as UTF-8)")
    }

    /// The offset of the first byte of `bytes` that does not start or continue a valid UTF-8 sequence.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            guard i + length <= bytes.count else { return i }
            for j in 1..<length where bytes[i + j] & 0xC0 != 0x80 { return i }
            // Overlong and surrogate forms, as the Unicode standard's table 3-7.
            if length == 3, (b == 0xE0 && bytes[i + 1] < 0xA0) || (b == 0xED && bytes[i + 1] > 0x9F) { return i }
            if length == 4, (b == 0xF0 && bytes[i + 1] < 0x90) || (b == 0xF4 && bytes[i + 1] > 0x8F) { return i }
            i += length
        }
        return nil
    }
}
