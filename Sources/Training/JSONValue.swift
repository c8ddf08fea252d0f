import Foundation

/// A JSON document as a tree: what configuration files (JSON or YAML) and `--set key=value`
/// overrides are merged as, before being decoded into typed, Codable configs.
public enum JSONValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(value):
            // Whole numbers are written without a fraction so that Int fields decode them.
            if value.rounded() == value, abs(value) < 9e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    /// The tree of any Encodable value (through JSONEncoder).
    public init<T: Encodable>(encoding value: T) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(value))
    }

    /// Decodes a typed value from the tree.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: try JSONEncoder().encode(self))
    }

    /// Pretty-printed JSON with sorted keys.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public var description: String { (try? jsonText()) ?? "<unencodable>" }

    /// The member of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members[key] }
        return nil
    }

    /// Every leaf's dotted path ("agent.learningRate"); arrays count as leaves.
    public var leafPaths: [String] {
        guard case let .object(members) = self else { return [] }
        return members.keys.sorted().flatMap { key -> [String] in
            if case .object = members[key]!, !members[key]!.leafPaths.isEmpty {
                return members[key]!.leafPaths.map { "\(key).\($0)" }
            }
            return [key]
        }
    }

    /// `self` with `other`'s members laid over it, objects merged recursively. Two
    /// one-member objects with different keys whose values are objects are two cases of an
    /// enum as Codable writes them (`{"linear": {...}}`, `{"glorotUniform": {}}`): the overlay
    /// replaces the base rather than leaving both cases in one object.
    public func merged(with other: JSONValue) -> JSONValue {
        guard case var .object(base) = self, case let .object(overlay) = other else { return other }
        if base.count == 1, overlay.count == 1, base.keys.first != overlay.keys.first,
           case .object? = base.values.first, case .object? = overlay.values.first {
            return other
        }
        for (key, value) in overlay {
            base[key] = base[key].map { $0.merged(with: value) } ?? value
        }
        return .object(base)
    }

    /// Sets the value at a dotted path, creating objects on the way.
    public func setting(_ value: JSONValue, at path: [String]) -> JSONValue {
        guard let head = path.first else { return value }
        var members: [String: JSONValue] = [:]
        if case let .object(existing) = self { members = existing }
        members[head] = (members[head] ?? .object([:])).setting(value, at: Array(path.dropFirst()))
        return .object(members)
    }

    /// A command-line value: JSON when it parses as JSON (numbers, booleans, null, arrays,
    /// objects, quoted strings), otherwise the text itself as a string.
    public static func parseCommandLineValue(_ text: String) -> JSONValue {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) { return value }
        return .string(text)
    }
}
