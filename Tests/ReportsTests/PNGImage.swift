import CZlib
import Foundation

/// A minimal PNG reader for tests: 8-bit RGB or RGBA, not interlaced (what Chromium's
/// screenshots are), all five row filters. Enough to check a rendered page is not blank.
struct PNGImage {
    let width: Int, height: Int
    /// RGB triples, row by row.
    let pixels: [(UInt8, UInt8, UInt8)]

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw Failure(description: "not a PNG") }
        func u32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        var position = 8, width = 0, height = 0, channels = 0, compressed: [UInt8] = []
        while position + 8 <= bytes.count {
            let length = u32(position), type = String(decoding: bytes[(position + 4)..<(position + 8)], as: UTF8.self)
            let body = Array(bytes[(position + 8)..<(position + 8 + length)])
            switch type {
            case "IHDR":
                width = Int(body[0]) << 24 | Int(body[1]) << 16 | Int(body[2]) << 8 | Int(body[3])
                height = Int(body[4]) << 24 | Int(body[5]) << 16 | Int(body[6]) << 8 | Int(body[7])
                guard body[8] == 8, body[12] == 0, [2, 6].contains(body[9]) else { throw Failure(description: "only 8-bit RGB(A), not interlaced") }
                channels = body[9] == 2 ? 3 : 4
            case "IDAT": compressed += body
            default: break
            }
            position += 12 + length
        }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var rawLength = uLongf(raw.count)
        guard uncompress(&raw, &rawLength, compressed, uLong(compressed.count)) == Z_OK, Int(rawLength) == raw.count else {
            throw Failure(description: "IDAT does not inflate to \(raw.count) bytes")
        }
        var image = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)], row = y * (stride + 1) + 1
            for x in 0..<stride {
                let a = x >= channels ? Int(image[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(image[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(image[(y - 1) * stride + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw Failure(description: "unknown row filter \(filter)")
                }
                image[y * stride + x] = UInt8((Int(raw[row + x]) + predictor) & 0xff)
            }
        }
        self.width = width
        self.height = height
        pixels = (0..<(width * height)).map { i in (image[i * channels], image[i * channels + 1], image[i * channels + 2]) }
    }
}
