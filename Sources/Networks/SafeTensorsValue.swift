import Tensors

/// The element types SwiftRL reads and writes in safetensors files, named in the file by
/// their raw values (`"F32"`, `"I64"`, …) as in the reference implementation.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    /// 32-bit IEEE float: every ``Tensor``.
    case float32 = "F32"
    /// 64-bit IEEE float.
    case float64 = "F64"
    /// Signed 32-bit integer.
    case int32 = "I32"
    /// Signed 64-bit integer: step counters, discrete actions.
    case int64 = "I64"
    /// Unsigned byte: image observations in replay buffers.
    case uint8 = "U8"

    /// Bytes per scalar in the file.
    public var scalarByteCount: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .uint8: 1
        }
    }
}

/// One array in a safetensors file: its shape and its row-major values, typed by dtype.
///
/// Parameters are ``float32(_:)`` tensors; the other cases keep integer and byte data
/// (counters, replay buffers) exact instead of routing them through Float.
public enum SafeTensorsValue: Sendable {
    /// An F32 array.
    case float32(Tensor)
    /// An F64 array; `scalars.count` must equal the product of `shape`.
    case float64(shape: [Int], scalars: [Double])
    /// An I32 array; `scalars.count` must equal the product of `shape`.
    case int32(shape: [Int], scalars: [Int32])
    /// An I64 array; `scalars.count` must equal the product of `shape`.
    case int64(shape: [Int], scalars: [Int64])
    /// A U8 array; `scalars.count` must equal the product of `shape`.
    case uint8(shape: [Int], scalars: [UInt8])

    /// The element type written to the file.
    public var dtype: SafeTensorsDType {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .int32: .int32
        case .int64: .int64
        case .uint8: .uint8
        }
    }

    /// The extent of each axis; `[]` for a scalar.
    public var shape: [Int] {
        switch self {
        case .float32(let tensor): tensor.shape
        case .float64(let shape, _), .int32(let shape, _), .int64(let shape, _), .uint8(let shape, _): shape
        }
    }

    /// The number of values held (which, for a well-formed value, is the product of ``shape``).
    public var scalarCount: Int {
        switch self {
        case .float32(let tensor): tensor.count
        case .float64(_, let scalars): scalars.count
        case .int32(_, let scalars): scalars.count
        case .int64(_, let scalars): scalars.count
        case .uint8(_, let scalars): scalars.count
        }
    }

    /// The tensor of an F32 value, or nil for every other dtype.
    public var tensor: Tensor? {
        if case .float32(let tensor) = self { return tensor }
        return nil
    }

    /// Calls `body` with the values' bytes in native byte order.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .float32(let tensor): try tensor.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
        case .float64(_, let scalars): try scalars.withUnsafeBytes(body)
        case .int32(_, let scalars): try scalars.withUnsafeBytes(body)
        case .int64(_, let scalars): try scalars.withUnsafeBytes(body)
        case .uint8(_, let scalars): try scalars.withUnsafeBytes(body)
        }
    }

    /// A value of `dtype` and `shape` whose bytes `fill` writes in native byte order;
    /// `fill` receives exactly `scalarCount × dtype.scalarByteCount` bytes.
    static func make(dtype: SafeTensorsDType, shape: [Int], scalarCount: Int,
                     fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> SafeTensorsValue {
        func array<T>(of _: T.Type) throws -> [T] {
            try [T](unsafeUninitializedCapacity: scalarCount) { buffer, initialized in
                try fill(UnsafeMutableRawBufferPointer(buffer))
                initialized = scalarCount
            }
        }
        switch dtype {
        case .float32:
            var tensor = Tensor(uninitializedShape: shape)
            try tensor.withUnsafeMutableBufferPointer { try fill(UnsafeMutableRawBufferPointer($0)) }
            return .float32(tensor)
        case .float64: return .float64(shape: shape, scalars: try array(of: Double.self))
        case .int32: return .int32(shape: shape, scalars: try array(of: Int32.self))
        case .int64: return .int64(shape: shape, scalars: try array(of: Int64.self))
        case .uint8: return .uint8(shape: shape, scalars: try array(of: UInt8.self))
        }
    }
}
