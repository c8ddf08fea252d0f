/// A point of a ``Space``: what an environment observes or an agent does.
///
/// Observations and actions share this one type, as they share Gymnasium's spaces.
/// Arrays are Swift arrays, so an environment that keeps its last observation and rewrites
/// it in place allocates nothing per step unless the caller still holds the previous one
/// (copy on write).
public enum SpaceValue: Sendable, Hashable {
    /// An element of a ``Space/discrete(_:start:)`` space.
    case discrete(Int)
    /// Float32 values in row-major order with their shape (a ``Space/box(low:high:shape:scalarType:)`` of `.float32`).
    case float32([Float], shape: [Int])
    /// Byte values (images, boolean grids) in row-major order with their shape.
    case uint8([UInt8], shape: [Int])
    /// An element of a ``Space/multiDiscrete(_:)`` space.
    case multiDiscrete([Int])

    /// A rank-1 float vector, the usual continuous action.
    public static func continuous(_ values: [Float]) -> SpaceValue { .float32(values, shape: [values.count]) }

    /// The shape, `[]` for a discrete value.
    public var shape: [Int] {
        switch self {
        case .discrete: return []
        case let .float32(_, shape), let .uint8(_, shape): return shape
        case let .multiDiscrete(values): return [values.count]
        }
    }

    /// The number of scalars.
    public var scalarCount: Int {
        switch self {
        case .discrete: return 1
        case let .float32(values, _): return values.count
        case let .uint8(values, _): return values.count
        case let .multiDiscrete(values): return values.count
        }
    }

    /// The integer of a discrete value, or nil.
    public var discreteValue: Int? {
        if case let .discrete(value) = self { return value }
        return nil
    }

    /// Every scalar as a Float, in row-major order (bytes are not rescaled).
    public var floats: [Float] {
        switch self {
        case let .discrete(value): return [Float(value)]
        case let .float32(values, _): return values
        case let .uint8(values, _): return values.map(Float.init)
        case let .multiDiscrete(values): return values.map(Float.init)
        }
    }

    /// Writes every scalar as a Float to `destination`, which has room for ``scalarCount``
    /// values: how drivers fill batches without allocating.
    public func copyFloats(to destination: UnsafeMutablePointer<Float>) {
        switch self {
        case let .discrete(value): destination[0] = Float(value)
        case let .float32(values, _): values.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: $0.count) }
        case let .uint8(values, _): for (i, v) in values.enumerated() { destination[i] = Float(v) }
        case let .multiDiscrete(values): for (i, v) in values.enumerated() { destination[i] = Float(v) }
        }
    }
}

/// What an environment observes.
public typealias Observation = SpaceValue
/// What an agent does.
public typealias Action = SpaceValue

extension SpaceValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .discrete(value): return "\(value)"
        case let .float32(values, shape): return shape.count <= 1 ? "\(values)" : "float32\(shape)\(values.prefix(16))"
        case let .uint8(values, shape): return "uint8\(shape)\(values.prefix(16))"
        case let .multiDiscrete(values): return "\(values)"
        }
    }
}
