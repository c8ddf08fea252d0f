/// CRC-32C (Castagnoli), the checksum TFRecord files use to frame their records.
///
/// Castagnoli's polynomial 0x1EDC6F41 (reflected 0x82F63B78) was chosen for storage by iSCSI
/// (RFC 3720 §B.4) because it detects more error patterns than the ISO 3309 CRC-32 of PNG
/// and zip at the same width; TensorFlow took it over for its record files.
public enum CRC32C {
    /// The CRC-32C of `bytes` (initial value and final XOR 0xFFFFFFFF, reflected, as RFC 3720).
    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// The checksum of `bytes` masked the way TFRecord stores it.
    ///
    /// TensorFlow masks stored CRCs (`tensorflow/core/lib/hash/crc32c.h`, `Mask`) because
    /// the CRC of a string that itself contains CRCs is weak; the mask rotates right by 15
    /// bits and adds a constant.
    public static func masked<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        mask(checksum(bytes))
    }

    /// TensorFlow's CRC mask: `((crc >> 15) | (crc << 17)) &+ 0xa282ead8`.
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0x82F6_3B78 ^ (c >> 1) : c >> 1 }
        return c
    }
}
