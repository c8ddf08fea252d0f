/// Writes a single RGB frame as a PNG, for snapshots.
///
/// The image data is compressed with the system's zlib, loaded at run time; where none can
/// be loaded it is a zlib stream of stored (uncompressed) deflate blocks, which every PNG
/// reader accepts, and files are then about the size of the raw pixels (720 KB for a
/// 600 × 400 frame). Use ``GIFEncoder`` for compact animations.
///
/// Format: PNG (ISO/IEC 15948, W3C), zlib (RFC 1950), deflate stored blocks (RFC 1951 §3.2.4).
public enum PNGEncoder {
    /// How the image data is deflated.
    public enum Compression: Sendable {
        /// zlib's deflate when the system library loads, stored blocks otherwise.
        case automatic
        /// Stored blocks only: no compression, no library.
        case stored
    }

    /// The PNG file of `height` × `width` × 3 row-major RGB bytes.
    public static func encode(rgb pixels: [UInt8], width: Int, height: Int, compression: Compression = .automatic) -> [UInt8] {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3,
                     "PNGEncoder: a \(width)x\(height) image needs \(width * height * 3) bytes, got \(pixels.count)")
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        appendUInt32(&header, UInt32(width))
        appendUInt32(&header, UInt32(height))
        // Bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
        header.append(contentsOf: [8, 2, 0, 0, 0])
        appendChunk(&out, "IHDR", header)

        // Each scanline starts with its filter type, 0 (none).
        let rowBytes = width * 3
        var raw = [UInt8](repeating: 0, count: height * (rowBytes + 1))
        for row in 0..<height {
            raw.replaceSubrange((row * (rowBytes + 1) + 1)..<((row + 1) * (rowBytes + 1)),
                                with: pixels[(row * rowBytes)..<((row + 1) * rowBytes)])
        }
        if compression == .automatic, let compressed = SystemZlib.compress(raw) {
            appendChunk(&out, "IDAT", compressed)
            appendChunk(&out, "IEND", [])
            return out
        }
        // zlib header: deflate with a 32 KB window, no dictionary, check bits making it a
        // multiple of 31 (0x7801 = 30721 = 31 × 991).
        var stream: [UInt8] = [0x78, 0x01]
        stream.reserveCapacity(raw.count + raw.count / 65535 * 5 + 16)
        var offset = 0
        repeat {
            let length = min(65535, raw.count - offset)
            let final: UInt8 = offset + length == raw.count ? 1 : 0
            stream.append(final)
            stream.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8),
                                       UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)])
            stream.append(contentsOf: raw[offset..<(offset + length)])
            offset += length
        } while offset < raw.count
        appendUInt32(&stream, adler32(raw))
        appendChunk(&out, "IDAT", stream)
        appendChunk(&out, "IEND", [])
        return out
    }

    /// The PNG file of an RGB frame; text frames cannot be written.
    public static func encode(_ frame: Frame) throws -> [UInt8] {
        guard case let .rgb(pixels, height, width) = frame else {
            throw EnvironmentError.renderingUnavailable(id: "PNGEncoder", reason: "a PNG needs an RGB frame (render_mode rgb_array), got text")
        }
        return encode(rgb: pixels, width: width, height: height)
    }

    /// CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), as PNG chunks use.
    public static func crc32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// Adler-32 (RFC 1950), the zlib stream checksum.
    public static func adler32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var a: UInt32 = 1, b: UInt32 = 0
        var pending = 0
        for byte in bytes {
            a += UInt32(byte)
            b += a
            pending += 1
            // 5552 is the most bytes before b can overflow 32 bits (zlib's NMAX).
            if pending == 5552 { a %= 65521; b %= 65521; pending = 0 }
        }
        return (b % 65521) << 16 | (a % 65521)
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func appendUInt32(_ bytes: inout [UInt8], _ value: UInt32) {
        bytes.append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }

    private static func appendChunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        appendUInt32(&out, UInt32(data.count))
        let typeAndData = Array(type.utf8) + data
        out.append(contentsOf: typeAndData)
        appendUInt32(&out, crc32(typeAndData))
    }
}
