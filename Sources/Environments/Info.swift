/// One value in an ``Info`` dictionary.
public enum InfoValue: Sendable, Hashable {
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case value(SpaceValue)
}

/// Auxiliary diagnostics returned by `reset` and `step` (Gymnasium's `info` dict). Empty in
/// the common case, and an empty dictionary costs no allocation.
public struct Info: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public var values: [String: InfoValue]

    /// An empty info. Spelled without a literal: `[:]` went through the variadic
    /// dictionary-literal initializer on every environment step.
    @inlinable public init() { values = Dictionary() }
    public init(_ values: [String: InfoValue]) { self.values = values }
    public init(dictionaryLiteral elements: (String, InfoValue)...) {
        values = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    public subscript(key: String) -> InfoValue? {
        get { values[key] }
        set { values[key] = newValue }
    }

    public var isEmpty: Bool { values.isEmpty }
}
