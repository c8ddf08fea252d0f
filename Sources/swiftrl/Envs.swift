import ArgumentParser
import Foundation
import SwiftRL

/// `swiftrl envs`: every registered environment with its spaces, reward threshold, step
/// limit and options (Gymnasium's `pprint_registry`, with the spaces filled in).
struct EnvsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envs",
        abstract: "List the registered environments: spaces, reward threshold, step limit, options.",
        discussion: """
            Give an id to see one environment in detail, with the help text of its options.
            Options are passed to `swiftrl rollout --option key=value` and to make(_:options:); \
            every environment also takes render_mode and max_episode_steps.
            """
    )

    @Argument(help: "Show only this environment, with its options' help text.")
    var id: String?

    @Flag(help: "Print one JSON object per line instead of a table.")
    var json = false

    func run() throws {
        let specs = try id.map { [try Registry.shared.spec($0)] } ?? Registry.shared.specs
        let rows = specs.map(EnvironmentRow.init)
        if json {
            for row in rows { print(row.json) }
        } else if id != nil, let row = rows.first {
            print(row.detail)
        } else if rows.isEmpty {
            print("no environments are registered")
        } else {
            print(table(rows))
        }
    }

    func table(_ rows: [EnvironmentRow]) -> String {
        let header = ["id", "observation space", "action space", "threshold", "step limit", "options"]
        let cells = rows.map { row in
            [row.id, row.observationSpace, row.actionSpace, row.threshold.map(formatNumber) ?? "-",
             row.stepLimit.map(String.init) ?? "-",
             row.options.isEmpty ? "-" : row.options.map { "\($0.name)=\($0.defaultValue)" }.joined(separator: " ")]
        }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max()! }
        func render(_ line: [String]) -> String {
            zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([render(header), render(widths.map { String(repeating: "-", count: $0) })] + cells.map(render))
            .joined(separator: "\n")
    }
}

/// What `swiftrl envs` shows of one spec. Spaces come from an instance made with default
/// options, since a spec does not carry them.
struct EnvironmentRow {
    let id: String
    let summary: String
    let observationSpace: String
    let actionSpace: String
    let threshold: Double?
    let stepLimit: Int?
    let options: [EnvironmentOptionSpec]

    init(_ spec: EnvironmentSpec) {
        id = spec.id
        summary = spec.summary
        threshold = spec.rewardThreshold
        stepLimit = spec.maxEpisodeSteps
        options = spec.options
        do {
            let environment = try Registry.shared.make(spec.id)
            observationSpace = environment.observationSpace.description
            actionSpace = environment.actionSpace.description
            environment.close()
        } catch {
            observationSpace = "(cannot make: \(error))"
            actionSpace = "?"
        }
    }

    var json: String {
        var fields = [
            ("id", jsonString(id)),
            ("observation_space", jsonString(observationSpace)),
            ("action_space", jsonString(actionSpace)),
            ("reward_threshold", threshold.map(jsonNumber) ?? "null"),
            ("max_episode_steps", stepLimit.map(String.init) ?? "null"),
        ]
        let optionList = options.map {
            "{\"name\":\(jsonString($0.name)),\"default\":\(jsonString($0.defaultValue)),\"help\":\(jsonString($0.help))}"
        }
        fields.append(("options", "[" + optionList.joined(separator: ",") + "]"))
        fields.append(("summary", jsonString(summary)))
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    var detail: String {
        var lines = [
            id + (summary.isEmpty ? "" : ": \(summary)"),
            "  observation space: \(observationSpace)",
            "  action space:      \(actionSpace)",
            "  reward threshold:  \(threshold.map(formatNumber) ?? "none")",
            "  step limit:        \(stepLimit.map(String.init) ?? "none")",
            "  options:",
        ]
        let all = options + [
            EnvironmentOptionSpec("render_mode", default: "none", help: "rgb_array or ansi, for render()"),
            EnvironmentOptionSpec("max_episode_steps", default: stepLimit.map(String.init) ?? "none",
                                  help: "truncate episodes after this many steps"),
        ]
        for option in all { lines.append("    \(option.name)=\(option.defaultValue)  \(option.help)") }
        return lines.joined(separator: "\n")
    }
}

/// A number as JSON: shortest round-trip digits, `null` for infinities and NaN (which JSON
/// cannot write).
func jsonNumber(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    return value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : "\(value)"
}

/// A float32 as JSON, with the shortest digits that round-trip to the same Float.
func jsonNumber(_ value: Float) -> String {
    guard value.isFinite else { return "null" }
    return "\(value)"
}

/// A quoted, escaped JSON string.
func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        case "\r": result += "\\r"
        default:
            if scalar.value < 0x20 { result += String(format: "\\u%04x", scalar.value) } else { result.unicodeScalars.append(scalar) }
        }
    }
    return result + "\""
}

func formatNumber(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
}
