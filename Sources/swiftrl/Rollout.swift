import ArgumentParser
import Foundation
import SwiftRL

/// `swiftrl rollout`: replays a list of actions in one environment and prints one JSON line
/// per step, to debug an environment or compare it with Gymnasium from a chosen state.
struct RolloutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Step an environment through given actions and print one JSON line per step.",
        discussion: """
            Each line is {"step":i,"observation":[...],"reward":r,"terminated":b,"truncated":b}, \
            step i being the result of the i-th action (counted from 0). Observations are flat \
            row-major arrays (with a "shape" field when their rank is above 1); infinities and \
            NaN print as null.

            Action syntax (--actions):
              Discrete            0,1,1,0          one integer per action
              Box, MultiDiscrete  "0.5,1;-1,0"     ';' between actions, ',' within one
                                  "[0.5,1],[-1,0]" or each action in brackets
              Box of one value    0.5,-1.2,2       commas alone are enough

            --state sets the environment's internal physical state (Gymnasium's \
            env.unwrapped.state, same order and units) after the reset and before the first step: \
            for CartPole x,x_dot,theta,theta_dot.

            Example: swiftrl rollout --env CartPole-v1 --seed 0 --state 0,0,0.1,0 --actions 1,1,0
            """
    )

    @Option(help: "The environment id (see `swiftrl envs`).")
    var env: String

    @Option(name: .customLong("option"), help: ArgumentHelp("An environment option as key=value; repeatable.", valueName: "key=value"))
    var options: [String] = []

    @Option(help: "The seed of the reset (default: the environment's fixed default seed).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("The physical state to start from, comma-separated, set after the reset.", valueName: "v1,v2,..."))
    var state: String?

    @Option(help: ArgumentHelp("The actions to apply, in order (syntax above).", valueName: "a1,a2,..."))
    var actions: String

    @Flag(help: "Print the reset's observation first, as a line with \"reset\":true.")
    var showReset = false

    @Flag(help: "Reset and go on when an episode ends before the actions do, instead of stopping with an error.")
    var autoReset = false

    func parsedOptions() throws -> [String: String] {
        var result: [String: String] = [:]
        for text in options {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--option '\(text)' is not key=value (for example --option max_episode_steps=100)")
            }
            let key = String(text[..<equals]), value = String(text[text.index(after: equals)...])
            if result[key] != nil { throw ValidationError("--option \(key) is given twice") }
            result[key] = value
        }
        return result
    }

    func parsedState() throws -> [Double]? {
        guard let state else { return nil }
        let parts = state.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return try parts.enumerated().map { index, part in
            guard let value = Double(part), value.isFinite else {
                throw ValidationError("--state '\(state)': value \(index + 1) ('\(part)') is not a finite number; write comma-separated numbers like 0,0.1,-0.02,0")
            }
            return value
        }
    }

    func run() throws {
        let environment = try Registry.shared.make(env, options: parsedOptions())
        defer { environment.close() }
        let actionList = try Self.parseActions(actions, space: environment.actionSpace)
        for (index, action) in actionList.enumerated() {
            if let reason = environment.actionSpace.violation(of: action) {
                throw ValidationError("--actions: action \(index) (\(action)): \(reason)")
            }
        }
        let startState = try parsedState()
        var (observation, _) = try environment.reset(seed: seed, options: [:])
        if let startState {
            guard let stateful = environment.unwrapped as? any StatefulEnvironment else {
                throw ValidationError("--state: \(env) has no settable physical state; leave --state out")
            }
            guard startState.count == stateful.state.count else {
                throw ValidationError("--state: \(env) has a state of \(stateful.state.count) values, got \(startState.count)")
            }
            try stateful.setState(startState)
        }
        if showReset { print("{\"reset\":true,\"observation\":\(Self.json(observation))}") }
        for (index, action) in actionList.enumerated() {
            let step = try environment.step(action)
            observation = step.observation
            print("{\"step\":\(index),\"observation\":\(Self.json(observation)),\"reward\":\(jsonNumber(step.reward)),"
                  + "\"terminated\":\(step.terminated),\"truncated\":\(step.truncated)}")
            if step.isDone && index + 1 < actionList.count {
                if autoReset {
                    (observation, _) = try environment.reset(seed: nil, options: [:])
                    if showReset { print("{\"reset\":true,\"observation\":\(Self.json(observation))}") }
                } else {
                    let how = step.terminated ? "terminated" : "was truncated"
                    throw RolloutStopped("the episode \(how) at step \(index); \(actionList.count - index - 1) action(s) were not applied (pass --auto-reset to reset and go on)")
                }
            }
        }
    }

    /// The observation as JSON: a number for discrete values, otherwise a flat array with a
    /// "shape" field after it when the rank is above 1.
    static func json(_ value: SpaceValue) -> String {
        switch value {
        case let .discrete(n): return String(n)
        case let .multiDiscrete(values): return "[" + values.map(String.init).joined(separator: ",") + "]"
        case let .float32(values, shape):
            let array = "[" + values.map { jsonNumber($0) }.joined(separator: ",") + "]"
            return shape.count > 1 ? array + ",\"shape\":[\(shape.map(String.init).joined(separator: ","))]" : array
        case let .uint8(values, shape):
            let array = "[" + values.map(String.init).joined(separator: ",") + "]"
            return shape.count > 1 ? array + ",\"shape\":[\(shape.map(String.init).joined(separator: ","))]" : array
        }
    }

    /// Parses the `--actions` text for `space` (syntax in the command's help).
    static func parseActions(_ text: String, space: Space) throws -> [Action] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ValidationError("--actions is empty; give at least one action") }
        switch space {
        case .discrete:
            return try trimmed.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { index, part in
                let token = part.trimmingCharacters(in: .whitespaces)
                guard let value = Int(token) else {
                    throw ValidationError("--actions: action \(index) ('\(token)') is not an integer; \(space) takes comma-separated integers like 0,1,1")
                }
                return .discrete(value)
            }
        case let .multiDiscrete(nvec):
            return try groups(trimmed, elementCount: nvec.count, space: space).enumerated().map { index, group in
                .multiDiscrete(try group.map { token in
                    guard let value = Int(token) else {
                        throw ValidationError("--actions: action \(index): '\(token)' is not an integer")
                    }
                    return value
                })
            }
        case let .box(_, _, shape, scalarType):
            let n = shape.reduce(1, *)
            return try groups(trimmed, elementCount: n, space: space).enumerated().map { index, group in
                guard group.count == n else {
                    throw ValidationError("--actions: action \(index) has \(group.count) values; \(space) needs \(n)")
                }
                switch scalarType {
                case .float32:
                    return .float32(try group.map { token in
                        guard let value = Float(token) else {
                            throw ValidationError("--actions: action \(index): '\(token)' is not a number")
                        }
                        return value
                    }, shape: shape)
                case .uint8:
                    return .uint8(try group.map { token in
                        guard let value = UInt8(token) else {
                            throw ValidationError("--actions: action \(index): '\(token)' is not an integer in 0...255")
                        }
                        return value
                    }, shape: shape)
                }
            }
        }
    }

    /// Splits vector-valued actions: `[a,b],[c,d]`, `a,b;c,d`, or, for one-value actions, `a,b,c`.
    static func groups(_ text: String, elementCount: Int, space: Space) throws -> [[String]] {
        func values(_ group: Substring) -> [String] {
            group.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if text.contains("[") || text.contains("]") {
            var result: [[String]] = []
            var rest = Substring(text)
            while true {
                rest = rest.drop { $0 == " " || $0 == "," }
                if rest.isEmpty { break }
                guard rest.first == "[", let close = rest.firstIndex(of: "]") else {
                    throw ValidationError("--actions '\(text)': expected '[' to open action \(result.count) and a matching ']'; write actions like [0.5,1],[-1,0]")
                }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                if inside.contains("[") { throw ValidationError("--actions '\(text)': nested '[' in action \(result.count)") }
                result.append(values(inside))
                rest = rest[rest.index(after: close)...]
            }
            guard !result.isEmpty else { throw ValidationError("--actions '\(text)' holds no action") }
            return result
        }
        if text.contains(";") {
            return text.split(separator: ";", omittingEmptySubsequences: false).map(values)
        }
        let all = values(Substring(text))
        if elementCount == 1 { return all.map { [$0] } }
        guard all.count == elementCount else {
            throw ValidationError("--actions '\(text)': \(space) takes \(elementCount) values per action; separate actions with ';' (like 0.5,1;-1,0) or bracket them ([0.5,1],[-1,0])")
        }
        return [all]
    }
}

/// The episode ended before the actions did: not a usage error, so no usage text follows.
struct RolloutStopped: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
