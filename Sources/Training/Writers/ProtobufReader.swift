/// Reads the fields of one protocol-buffer message in the binary wire format, in order;
/// the counterpart of ``ProtobufWriter`` for TensorBoard's `Event` messages.
struct ProtobufReader {
    /// A field's number and its undecoded payload.
    enum Field {
        case varint(Int, UInt64)
        case fixed64(Int, UInt64)
        case lengthDelimited(Int, ArraySlice<UInt8>)
        case fixed32(Int, UInt32)

        var number: Int {
            switch self {
            case let .varint(n, _), let .fixed64(n, _), let .lengthDelimited(n, _), let .fixed32(n, _): return n
            }
        }
    }

    /// Why a message could not be decoded.
    struct DecodingError: Error {
        let reason: String
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws -> Field? {
        guard position < bytes.endIndex else { return nil }
        let key = try readVarint()
        let number = Int(key >> 3)
        guard number > 0 else { throw DecodingError(reason: "field number 0 at byte \(position - bytes.startIndex)") }
        switch key & 7 {
        case 0:
            return .varint(number, try readVarint())
        case 1:
            return .fixed64(number, try readLittleEndian(count: 8))
        case 2:
            let length = try readVarint()
            guard length <= UInt64(bytes.endIndex - position) else {
                throw DecodingError(reason: "field \(number) claims \(length) bytes, only \(bytes.endIndex - position) remain")
            }
            let value = bytes[position..<(position + Int(length))]
            position += Int(length)
            return .lengthDelimited(number, value)
        case 5:
            return .fixed32(number, UInt32(try readLittleEndian(count: 4)))
        case let type:
            // Groups (3, 4) were deprecated before TensorBoard's protos existed.
            throw DecodingError(reason: "unsupported wire type \(type) in field \(number)")
        }
    }

    private mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.endIndex {
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw DecodingError(reason: "varint longer than 10 bytes") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw DecodingError(reason: "message ends inside a varint")
    }

    private mutating func readLittleEndian(count: Int) throws -> UInt64 {
        guard bytes.endIndex - position >= count else { throw DecodingError(reason: "message ends inside a fixed-width field") }
        var result: UInt64 = 0
        for i in 0..<count { result |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += count
        return result
    }
}
