import Randomness

/// The scalar type of a box space.
public enum ScalarType: String, Codable, Sendable {
    case float32, uint8
}

/// The set of valid observations or actions (Gymnasium's `spaces`), with sampling and
/// membership tests.
public enum Space: Sendable, Hashable, Codable {
    /// The integers `start ..< start + n`.
    case discrete(Int, start: Int = 0)
    /// Arrays of `shape` with each value in [low[i], high[i]] (bounds may be ±infinity
    /// for float32). `low` and `high` hold one bound per element, row-major.
    case box(low: [Float], high: [Float], shape: [Int], scalarType: ScalarType)
    /// Vectors whose element i lies in `0 ..< nvec[i]`.
    case multiDiscrete([Int])

    /// A box with the same bounds for every element.
    public static func box(low: Float, high: Float, shape: [Int], scalarType: ScalarType = .float32) -> Space {
        let n = shape.reduce(1, *)
        return .box(low: Array(repeating: low, count: n), high: Array(repeating: high, count: n), shape: shape, scalarType: scalarType)
    }

    /// The shape of an element (`[]` for discrete).
    public var shape: [Int] {
        switch self {
        case .discrete: return []
        case let .box(_, _, shape, _): return shape
        case let .multiDiscrete(nvec): return [nvec.count]
        }
    }

    /// The number of discrete elements, or nil for a box or multi-discrete space.
    public var discreteCount: Int? {
        if case let .discrete(n, _) = self { return n }
        return nil
    }

    /// A uniformly random element, as Gymnasium samples: integers uniformly, bounded box
    /// dimensions uniformly, half-bounded ones exponentially from the bound and unbounded
    /// ones from a standard normal.
    public func sample(using generator: inout RandomGenerator) -> SpaceValue {
        switch self {
        case let .discrete(n, start):
            return .discrete(start + generator.int(below: n))
        case let .multiDiscrete(nvec):
            return .multiDiscrete(nvec.map { generator.int(below: $0) })
        case let .box(low, high, shape, scalarType):
            switch scalarType {
            case .uint8:
                let values = zip(low, high).map { lo, hi in
                    UInt8(clamping: Int(lo.rounded(.up)) + generator.int(below: Int(hi.rounded(.down)) - Int(lo.rounded(.up)) + 1))
                }
                return .uint8(values, shape: shape)
            case .float32:
                let values = zip(low, high).map { lo, hi -> Float in
                    switch (lo.isFinite, hi.isFinite) {
                    case (true, true): return lo + (hi - lo) * generator.uniformFloat()
                    case (true, false): return lo + Float(-log(1 - generator.uniformDouble()))
                    case (false, true): return hi - Float(-log(1 - generator.uniformDouble()))
                    case (false, false): return generator.normal()
                    }
                }
                return .float32(values, shape: shape)
            }
        }
    }

    /// True when `value` is an element of this space.
    public func contains(_ value: SpaceValue) -> Bool {
        switch (self, value) {
        case let (.discrete(n, start), .discrete(v)):
            return v >= start && v < start + n
        case let (.multiDiscrete(nvec), .multiDiscrete(values)):
            return values.count == nvec.count && zip(values, nvec).allSatisfy { $0 >= 0 && $0 < $1 }
        case let (.box(low, high, shape, .float32), .float32(values, valueShape)):
            return valueShape == shape && values.count == low.count
                && zip(values, zip(low, high)).allSatisfy { v, b in !v.isNaN && v >= b.0 && v <= b.1 }
        case let (.box(low, high, shape, .uint8), .uint8(values, valueShape)):
            return valueShape == shape && values.count == low.count
                && zip(values, zip(low, high)).allSatisfy { v, b in Float(v) >= b.0 && Float(v) <= b.1 }
        default:
            return false
        }
    }

    /// Why `value` is not in this space, or nil when it is: the text of the error an
    /// environment throws for an invalid action.
    public func violation(of value: SpaceValue) -> String? {
        if contains(value) { return nil }
        switch (self, value) {
        case let (.discrete(n, start), .discrete(v)):
            return "action \(v) is outside Discrete(\(n)\(start == 0 ? "" : ", start: \(start)")): use an integer in \(start)..<\(start + n)"
        case let (.box(_, _, shape, _), _) where value.shape != shape:
            return "value of shape \(value.shape) does not fit \(self): expected shape \(shape)"
        case (.box, .float32(let values, _)) where values.contains(where: \.isNaN):
            return "value \(value) contains NaN"
        default:
            return "value \(value) is not an element of \(self)"
        }
    }
}

extension Space: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .discrete(n, start): return start == 0 ? "Discrete(\(n))" : "Discrete(\(n), start=\(start))"
        case let .multiDiscrete(nvec): return "MultiDiscrete(\(nvec))"
        case let .box(low, high, shape, scalarType):
            let lo = Set(low).count == 1 ? "\(low[0])" : "\(low)"
            let hi = Set(high).count == 1 ? "\(high[0])" : "\(high)"
            return "Box(\(lo), \(hi), \(shape), \(scalarType.rawValue))"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
