import Foundation

/// One result line: a flat JSON object with keys in a fixed order so runs diff cleanly.
public struct JSONLine: CustomStringConvertible, Sendable {
    private var fields: [(String, String)] = []

    public init(_ bench: String) { add("bench", bench) }

    public mutating func add(_ key: String, _ value: String) {
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        fields.append((key, "\"\(escaped)\""))
    }
    public mutating func add(_ key: String, _ value: Double, digits: Int = 3) {
        fields.append((key, value.isFinite ? String(format: "%.\(digits)f", value) : "null"))
    }
    public mutating func add(_ key: String, _ value: Int) { fields.append((key, String(value))) }
    public mutating func add(_ key: String, _ value: Bool) { fields.append((key, value ? "true" : "false")) }
    public mutating func add(_ key: String, _ values: [Double], digits: Int = 3) {
        fields.append((key, "[" + values.map { String(format: "%.\(digits)f", $0) }.joined(separator: ", ") + "]"))
    }
    public mutating func add(_ key: String, _ values: [Int]) {
        fields.append((key, "[" + values.map(String.init).joined(separator: ", ") + "]"))
    }

    /// `<key>_median`, `<key>_min` and `<key>_max` of measurements over seeds or repetitions
    /// (non-finite values left out).
    public mutating func addSpread(_ key: String, _ values: [Double], digits: Int = 3) {
        let finite = values.filter(\.isFinite).sorted()
        add("\(key)_median", finite.isEmpty ? .nan : Measurement(runs: finite).median, digits: digits)
        add("\(key)_min", finite.first ?? .nan, digits: digits)
        add("\(key)_max", finite.last ?? .nan, digits: digits)
    }

    public var description: String {
        "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }
}
