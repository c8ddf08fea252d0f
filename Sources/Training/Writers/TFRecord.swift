/// TensorFlow's record framing, the container of TensorBoard event files.
///
/// Each record is `uint64 length`, `uint32 masked_crc32c(length)`, `length` bytes of data,
/// `uint32 masked_crc32c(data)`, all little-endian (`tensorflow/core/lib/io/record_writer.cc`).
/// The CRC of the length lets a reader reject a damaged length before trusting it.
public enum TFRecord {
    /// Bytes of framing around each record's data: 8 of length, 4 + 4 of checksums.
    public static let overhead = 16

    /// `data` framed as one record.
    public static func frame<C: Collection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + overhead)
        var length: [UInt8] = []
        appendLittleEndian(&length, UInt64(data.count), count: 8)
        out.append(contentsOf: length)
        appendLittleEndian(&out, UInt64(CRC32C.masked(length)), count: 4)
        out.append(contentsOf: data)
        appendLittleEndian(&out, UInt64(CRC32C.masked(data)), count: 4)
        return out
    }

    /// The data of every record in `bytes`, each with the byte offset where its framing starts.
    ///
    /// A last record cut short (fewer bytes than its intact length announces, or a header
    /// shorter than 12 bytes) is left out without an error: that is what a run killed while
    /// writing leaves behind, and TensorBoard ignores it the same way. A checksum mismatch in
    /// a complete record throws ``LogFileError/corruptRecord(file:offset:reason:)``.
    public static func records(in bytes: [UInt8], file: String = "<memory>") throws -> [(offset: Int, data: ArraySlice<UInt8>)] {
        var result: [(offset: Int, data: ArraySlice<UInt8>)] = []
        var position = 0
        while bytes.count - position >= 12 {
            let lengthBytes = bytes[position..<(position + 8)]
            let storedLengthCRC = UInt32(readLittleEndian(bytes, at: position + 8, count: 4))
            guard CRC32C.masked(lengthBytes) == storedLengthCRC else {
                throw LogFileError.corruptRecord(file: file, offset: position, reason: "length checksum mismatch")
            }
            let length = readLittleEndian(bytes, at: position, count: 8)
            guard length <= UInt64(bytes.count - position - 12), bytes.count - position - 12 - Int(length) >= 4 else { break }
            let start = position + 12, end = start + Int(length)
            let data = bytes[start..<end]
            guard CRC32C.masked(data) == UInt32(readLittleEndian(bytes, at: end, count: 4)) else {
                throw LogFileError.corruptRecord(file: file, offset: position, reason: "data checksum mismatch")
            }
            result.append((position, data))
            position = end + 4
        }
        return result
    }

    private static func appendLittleEndian(_ out: inout [UInt8], _ value: UInt64, count: Int) {
        for i in 0..<count { out.append(UInt8((value >> (8 * UInt64(i))) & 0xFF)) }
    }

    private static func readLittleEndian(_ bytes: [UInt8], at offset: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<count { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return value
    }
}
