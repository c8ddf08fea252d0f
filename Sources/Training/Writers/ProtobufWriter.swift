/// Appends protocol-buffer fields in the binary wire format
/// (https://protobuf.dev/programming-guides/encoding/), enough for TensorBoard's `Event`
/// messages without a protobuf library or generated code.
struct ProtobufWriter {
    /// The encoded message so far.
    private(set) var bytes: [UInt8] = []

    /// Wire types of the encoding.
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// Base-128 varint, least significant group first.
    mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func appendKey(_ field: Int, _ type: WireType) {
        appendVarint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    /// An `int64` or enum field; negative numbers take ten bytes, as protobuf specifies.
    mutating func appendInt64(_ field: Int, _ value: Int64) {
        appendKey(field, .varint)
        appendVarint(UInt64(bitPattern: value))
    }

    /// A `double` field (little-endian IEEE 754).
    mutating func appendDouble(_ field: Int, _ value: Double) {
        appendKey(field, .fixed64)
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(bits & 0xFF))
            bits >>= 8
        }
    }

    /// A `float` field (little-endian IEEE 754).
    mutating func appendFloat(_ field: Int, _ value: Float) {
        appendKey(field, .fixed32)
        var bits = value.bitPattern
        for _ in 0..<4 {
            bytes.append(UInt8(bits & 0xFF))
            bits >>= 8
        }
    }

    /// A `bytes` field, or an embedded message already encoded.
    mutating func appendBytes<C: Collection>(_ field: Int, _ value: C) where C.Element == UInt8 {
        appendKey(field, .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A `string` field, UTF-8 encoded.
    mutating func appendString(_ field: Int, _ value: String) {
        appendBytes(field, Array(value.utf8))
    }

    /// An embedded message built by `build`.
    mutating func appendMessage(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        appendBytes(field, inner.bytes)
    }
}
