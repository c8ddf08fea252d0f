import Environments
import Foundation
import Yams

/// Everything that defines a training run, as a Codable value: written to the run
/// directory as `config.json`, read from a JSON or YAML file, overridable key by key with
/// `--set key=value` (dotted paths, e.g. `--set agent.learningRate=0.02`).
///
/// `agent` holds the algorithm's own configuration (``REINFORCEConfig``, ...) as a JSON
/// tree; ``AlgorithmRegistry`` checks it against the algorithm's Codable config, so a
/// misspelt hyperparameter is an error rather than a silently ignored key.
public struct RunConfig: Codable, Sendable, Equatable {
    /// The algorithm's name in ``AlgorithmRegistry`` (`reinforce`, `q-learning`, ...).
    public var algorithm: String
    /// The environment id (`CartPole-v1`).
    public var env: String
    /// Options passed to the environment registry (`is_slippery=false`, ...).
    public var envOptions: [String: String]
    /// The seed of every random source in the run.
    public var seed: UInt64
    /// Stop once this many environment steps have been taken (checked between iterations).
    public var totalSteps: Int?
    /// Stop after this many training iterations.
    public var iterations: Int?
    /// Iterations between checkpoints (one is also written when the run ends or is interrupted).
    public var checkpointInterval: Int
    /// Episodes of the greedy policy evaluated when the run ends (0: none).
    public var evalEpisodes: Int
    /// Environment steps between evaluations during training (Stable-Baselines3's
    /// `EvalCallback` `eval_freq`); nil: none. Each is logged as `eval/mean_return`, and the
    /// best policy so far is kept as `best.safetensors`, as RL Zoo keeps `best_model`.
    public var evalInterval: Int?
    /// Episodes in each evaluation during training (RL Zoo's default 5).
    public var evalIntervalEpisodes: Int
    /// Whether to write `agent.gif`, an episode of the trained agent, when the run ends.
    public var recordVideo: Bool
    /// Whether each periodic checkpoint also records an episode of the greedy agent as
    /// `videos/step-<environment steps>.gif`, to watch a long run (Atari) progress.
    public var checkpointVideos: Bool
    /// Directory under which run directories are made.
    public var runsDirectory: String
    /// The algorithm's configuration.
    public var agent: JSONValue
    /// The ``AlgorithmPreset`` the configuration started from, if any (a record: `agent`
    /// already holds its values).
    public var preset: String?

    public init(algorithm: String, env: String, envOptions: [String: String] = [:], seed: UInt64 = 1,
                totalSteps: Int? = nil, iterations: Int? = nil, checkpointInterval: Int = 10, evalEpisodes: Int = 10,
                evalInterval: Int? = nil, evalIntervalEpisodes: Int = 5, recordVideo: Bool = true,
                checkpointVideos: Bool = false, runsDirectory: String = "runs", agent: JSONValue = .object([:]), preset: String? = nil) {
        self.algorithm = algorithm
        self.env = env
        self.envOptions = envOptions
        self.seed = seed
        self.totalSteps = totalSteps
        self.iterations = iterations
        self.checkpointInterval = checkpointInterval
        self.evalEpisodes = evalEpisodes
        self.evalInterval = evalInterval
        self.evalIntervalEpisodes = evalIntervalEpisodes
        self.recordVideo = recordVideo
        self.checkpointVideos = checkpointVideos
        self.runsDirectory = runsDirectory
        self.agent = agent
        self.preset = preset
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case algorithm, env, envOptions, seed, totalSteps, iterations, checkpointInterval, evalEpisodes, evalInterval,
             evalIntervalEpisodes, recordVideo, checkpointVideos, runsDirectory, agent, preset
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RunConfig(algorithm: "", env: "")
        algorithm = try c.decode(String.self, forKey: .algorithm)
        env = try c.decode(String.self, forKey: .env)
        envOptions = try c.decodeIfPresent([String: String].self, forKey: .envOptions) ?? defaults.envOptions
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
        totalSteps = try c.decodeIfPresent(Int.self, forKey: .totalSteps)
        iterations = try c.decodeIfPresent(Int.self, forKey: .iterations)
        checkpointInterval = try c.decodeIfPresent(Int.self, forKey: .checkpointInterval) ?? defaults.checkpointInterval
        evalEpisodes = try c.decodeIfPresent(Int.self, forKey: .evalEpisodes) ?? defaults.evalEpisodes
        evalInterval = try c.decodeIfPresent(Int.self, forKey: .evalInterval)
        evalIntervalEpisodes = try c.decodeIfPresent(Int.self, forKey: .evalIntervalEpisodes) ?? defaults.evalIntervalEpisodes
        recordVideo = try c.decodeIfPresent(Bool.self, forKey: .recordVideo) ?? defaults.recordVideo
        checkpointVideos = try c.decodeIfPresent(Bool.self, forKey: .checkpointVideos) ?? defaults.checkpointVideos
        runsDirectory = try c.decodeIfPresent(String.self, forKey: .runsDirectory) ?? defaults.runsDirectory
        agent = try c.decodeIfPresent(JSONValue.self, forKey: .agent) ?? defaults.agent
        preset = try c.decodeIfPresent(String.self, forKey: .preset)
    }

    /// Checks the values no type can express; throws ``RunConfigError/invalid(_:)``.
    public func validate() throws {
        if algorithm.isEmpty { throw RunConfigError.invalid("'algorithm' is empty; name one of `swiftrl train --help`'s algorithms") }
        if env.isEmpty { throw RunConfigError.invalid("'env' is empty; give an environment id such as CartPole-v1 (`swiftrl envs` lists them)") }
        if totalSteps == nil && iterations == nil {
            throw RunConfigError.invalid("neither 'totalSteps' nor 'iterations' is set, so the run would never end; set one (e.g. --steps 100000)")
        }
        if let totalSteps, totalSteps <= 0 { throw RunConfigError.invalid("'totalSteps' must be positive, got \(totalSteps)") }
        if let iterations, iterations <= 0 { throw RunConfigError.invalid("'iterations' must be positive, got \(iterations)") }
        if checkpointInterval <= 0 { throw RunConfigError.invalid("'checkpointInterval' must be positive, got \(checkpointInterval)") }
        if evalEpisodes < 0 { throw RunConfigError.invalid("'evalEpisodes' must be 0 or more, got \(evalEpisodes)") }
        if let evalInterval, evalInterval <= 0 {
            throw RunConfigError.invalid("'evalInterval' must be positive (environment steps between evaluations) or null, got \(evalInterval)")
        }
        if evalIntervalEpisodes <= 0 {
            throw RunConfigError.invalid("'evalIntervalEpisodes' must be positive, got \(evalIntervalEpisodes)")
        }
    }

    /// Parses a configuration file's text as a JSON tree: JSON when the name ends in `.json`
    /// or the text starts with `{`, YAML otherwise.
    public static func parseFile(text: String, name: String) throws -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.hasSuffix(".json") || trimmed.hasPrefix("{") {
            do {
                return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            } catch let error as DecodingError {
                throw RunConfigError.unreadableFile(path: name, reason: "not valid JSON: \(describe(error))")
            }
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw RunConfigError.unreadableFile(path: name, reason: "not valid YAML: \(error)")
        }
        guard let loaded else { return .object([:]) }
        let value = try jsonValue(fromYAML: loaded, path: name)
        guard case .object = value else {
            throw RunConfigError.unreadableFile(path: name, reason: "the top level must be a mapping of keys to values")
        }
        return value
    }

    /// Reads and parses a configuration file.
    public static func loadFile(_ url: URL) throws -> JSONValue {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RunConfigError.unreadableFile(path: url.path, reason: "it cannot be read (\(error.localizedDescription)); check the path")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RunConfigError.unreadableFile(path: url.path, reason: "it is not UTF-8 text")
        }
        return try parseFile(text: text, name: url.lastPathComponent)
    }

    private static func jsonValue(fromYAML value: Any, path: String) throws -> JSONValue {
        switch value {
        case is NSNull: return .null
        case let value as Bool: return .bool(value)
        case let value as Int: return .number(Double(value))
        case let value as Double: return .number(value)
        case let value as String: return .string(value)
        case let value as [Any]: return .array(try value.map { try jsonValue(fromYAML: $0, path: path) })
        case let value as [String: Any]: return .object(try value.mapValues { try jsonValue(fromYAML: $0, path: path) })
        case let value as [AnyHashable: Any]:
            var members: [String: JSONValue] = [:]
            for (key, member) in value { members["\(key)"] = try jsonValue(fromYAML: member, path: path) }
            return .object(members)
        default:
            throw RunConfigError.unreadableFile(path: path, reason: "the value \(value) has a type configurations do not use")
        }
    }

    /// A readable account of a decoding error: the key path and what was wrong.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : "'" + keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + "'"
        }
        switch error {
        case let .typeMismatch(type, context): return "\(path(context)) should be \(typeName(type)): \(context.debugDescription)"
        case let .valueNotFound(type, context): return "\(path(context)) should be \(typeName(type)) but is null"
        case let .keyNotFound(key, context):
            let parent = path(context)
            return "'\(key.stringValue)' is missing" + (parent == "the top level" ? "" : " in \(parent)")
        case let .dataCorrupted(context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type, is Int64.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default: return "\(type)"
        }
    }
}

/// Why a configuration cannot be used.
public enum RunConfigError: Error, Equatable, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case invalid(String)
    case unknownKeys([String], known: [String])
    case malformedOverride(String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "configuration file \(path): \(reason)"
        case let .invalid(reason):
            return "invalid configuration: \(reason)"
        case let .unknownKeys(keys, known):
            let hints = keys.map { key -> String in
                let near = nearestNames(to: key, in: known)
                return near.isEmpty ? "'\(key)'" : "'\(key)' (did you mean \(near.map { "'\($0)'" }.joined(separator: " or "))?)"
            }
            return "unknown configuration key\(keys.count == 1 ? "" : "s") \(hints.joined(separator: ", ")); known keys: \(known.joined(separator: ", "))"
        case let .malformedOverride(text):
            return "cannot read override '\(text)': write it as key=value, e.g. --set agent.learningRate=0.01"
        }
    }
}

/// Up to two names closest to `name` by edit distance (within a third of its length).
func nearestNames(to name: String, in names: [String]) -> [String] {
    closestNames(to: name, in: names, count: 2, maxDistance: max(2, name.count / 3))
}
