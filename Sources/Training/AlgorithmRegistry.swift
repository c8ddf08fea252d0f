import Agents
import Environments
import Foundation
import GymBridge

/// What an algorithm's factory receives besides its own configuration.
public struct RunContext: Sendable {
    public let environmentID: String
    public let environmentOptions: [String: String]
    /// The run's seed: algorithms derive every generator from it.
    public let seed: UInt64
    public let registry: Registry

    public init(environmentID: String, environmentOptions: [String: String] = [:], seed: UInt64, registry: Registry = .shared) {
        self.environmentID = environmentID
        self.environmentOptions = environmentOptions
        self.seed = seed
        self.registry = registry
        // Runs reach every Gymnasium id (ALE/Breakout-v5) the way they reach native ones.
        Gymnasium.install(in: registry)
    }

    /// A new copy of the run's environment (from the registry, with its time limit).
    public func makeEnvironment(renderMode: RenderMode? = nil) throws -> any Environment {
        var options = environmentOptions
        if let renderMode { options["render_mode"] = renderMode.rawValue }
        return try registry.make(environmentID, options: options)
    }
}

/// A named set of published settings for an algorithm (RL Zoo's tuned hyperparameters for
/// an environment, a textbook's setup): a full agent configuration, the budget it was
/// published with, and any environment options it assumes. Like RL Zoo, an algorithm picks
/// the preset tuned for the run's environment unless another (`--preset NAME`) is named.
public struct AlgorithmPreset: Sendable {
    public let name: String
    public let summary: String
    /// Environment ids this preset is tuned for; a trailing `*` matches any suffix (`MinAtar/*`).
    public let tunedFor: [String]
    /// The agent configuration as a JSON tree.
    public let config: JSONValue
    /// The published budget, used when neither the config file nor the command line sets one.
    public let totalSteps: Int?
    public let iterations: Int?
    /// Environment options the settings assume (e.g. the textbook's 200-step episodes).
    public let envOptions: [String: String]

    public init<Config: Codable & Sendable>(name: String, summary: String, config: Config, tunedFor: [String] = [],
                                            totalSteps: Int? = nil, iterations: Int? = nil,
                                            envOptions: [String: String] = [:]) {
        self.name = name
        self.summary = summary
        self.tunedFor = tunedFor
        // A Codable config always encodes; a failure here is a programming error in the config type.
        self.config = try! JSONValue(encoding: config)
        self.totalSteps = totalSteps
        self.iterations = iterations
        self.envOptions = envOptions
    }

    /// Whether this preset is tuned for the environment `id`.
    public func isTuned(for id: String) -> Bool {
        tunedFor.contains { pattern in
            pattern.hasSuffix("*") ? id.hasPrefix(pattern.dropLast()) : id == pattern
        }
    }
}

/// One algorithm as the command line and config files know it: its name, its default
/// configuration, its presets, and how to build an agent from a configuration.
public struct AlgorithmEntry: Sendable {
    public let name: String
    public let summary: String
    /// The default configuration, as the JSON tree of the algorithm's Codable config.
    public let defaultConfig: JSONValue
    /// Budgets used when neither the config file nor the command line sets one.
    public let defaultIterations: Int?
    public let defaultTotalSteps: Int?
    /// Published settings by name; see ``AlgorithmPreset``.
    public let presets: [AlgorithmPreset]
    private let canonicalize: @Sendable (JSONValue) throws -> JSONValue
    private let build: @Sendable (JSONValue, RunContext) throws -> any Agent

    /// An entry for an algorithm whose configuration is `Config`.
    public init<Config: Codable & Sendable>(
        name: String, summary: String, defaultConfig: Config, defaultIterations: Int? = nil, defaultTotalSteps: Int? = nil,
        presets: [AlgorithmPreset] = [], build: @escaping @Sendable (Config, RunContext) throws -> any Agent
    ) {
        self.name = name
        self.summary = summary
        self.presets = presets
        // A Codable config always encodes; a failure here is a programming error in the config type.
        self.defaultConfig = try! JSONValue(encoding: defaultConfig)
        self.defaultIterations = defaultIterations
        self.defaultTotalSteps = defaultTotalSteps
        canonicalize = { tree in try JSONValue(encoding: try Self.decodeConfig(Config.self, from: tree)) }
        self.build = { tree, context in try build(try Self.decodeConfig(Config.self, from: tree), context) }
    }

    /// Decodes a config, rejecting keys the config type does not have (JSONDecoder would
    /// silently ignore them, and a misspelt hyperparameter would do nothing).
    static func decodeConfig<Config: Codable>(_ type: Config.Type, from tree: JSONValue) throws -> Config {
        let config: Config
        do {
            config = try tree.decode(type)
        } catch let error as DecodingError {
            throw RunConfigError.invalid("in 'agent': \(RunConfig.describe(error))")
        }
        let canonical = try JSONValue(encoding: config)
        let known = Set(canonical.leafPaths)
        let knownPrefixes = Set(known.flatMap { path -> [String] in
            let parts = path.split(separator: ".")
            return (1..<max(parts.count, 1)).map { parts.prefix($0).joined(separator: ".") }
        })
        let unknown = tree.leafPaths.filter { !known.contains($0) && !knownPrefixes.contains($0) }
        if !unknown.isEmpty {
            throw RunConfigError.unknownKeys(unknown.map { "agent.\($0)" }, known: known.sorted().map { "agent.\($0)" })
        }
        return config
    }

    /// The configuration tree with every default filled in; throws for unknown keys or wrong types.
    public func resolvedConfig(_ tree: JSONValue) throws -> JSONValue {
        try canonicalize(defaultConfig.merged(with: tree))
    }

    /// The preset called `name`; throws an error listing this algorithm's presets.
    public func preset(named name: String) throws -> AlgorithmPreset {
        if let preset = presets.first(where: { $0.name == name }) { return preset }
        if presets.isEmpty {
            throw RunConfigError.invalid("\(self.name) has no presets; drop --preset '\(name)' and set values with --set or --config")
        }
        let known = presets.map(\.name)
        let near = nearestNames(to: name, in: known)
        throw RunConfigError.invalid("unknown preset '\(name)' for \(self.name)"
            + (near.isEmpty ? "" : "; did you mean \(near.map { "'\($0)'" }.joined(separator: " or "))?")
            + " Presets: \(known.joined(separator: ", "))")
    }

    /// The preset tuned for the environment `id`, if any.
    public func tunedPreset(for id: String) -> AlgorithmPreset? {
        presets.first { $0.isTuned(for: id) }
    }

    /// Builds an agent from a configuration tree (merged over the defaults).
    public func makeAgent(config tree: JSONValue, context: RunContext) throws -> any Agent {
        try build(defaultConfig.merged(with: tree), context)
    }
}

/// The algorithms `swiftrl train` knows, by name.
public final class AlgorithmRegistry: @unchecked Sendable {
    private var entries: [String: AlgorithmEntry] = [:]
    private let lock = NSLock()

    public init(_ entries: [AlgorithmEntry] = []) {
        for entry in entries { self.entries[entry.name] = entry }
    }

    /// The built-in algorithms.
    public static let shared = AlgorithmRegistry(BuiltinAlgorithms.entries)

    public func register(_ entry: AlgorithmEntry) {
        lock.withLock { entries[entry.name] = entry }
    }

    public var names: [String] { lock.withLock { entries.keys.sorted() } }
    public var allEntries: [AlgorithmEntry] { lock.withLock { entries.values.sorted { $0.name < $1.name } } }

    /// The entry called `name`; throws an error listing the known names, nearest first.
    public func entry(named name: String) throws -> AlgorithmEntry {
        if let entry = lock.withLock({ entries[name] }) { return entry }
        let known = names
        let near = nearestNames(to: name, in: known)
        throw RunConfigError.invalid("unknown algorithm '\(name)'"
            + (near.isEmpty ? "" : "; did you mean \(near.map { "'\($0)'" }.joined(separator: " or "))?")
            + " Known algorithms: \(known.joined(separator: ", "))")
    }

    /// The run configuration for `algorithm` on `env`: the algorithm's defaults, overlaid
    /// with a preset (`preset`, else the file's `preset`, else the one tuned for the
    /// environment), then a config file's tree, then `--set` overrides, then explicit fields;
    /// checked for unknown keys, wrong types and missing budgets.
    public func resolve(algorithm: String, env: String?, file: JSONValue? = nil, overrides: [String] = [],
                        preset: String? = nil, seed: UInt64? = nil, totalSteps: Int? = nil,
                        iterations: Int? = nil) throws -> RunConfig {
        var tree = JSONValue.object([:])
        if let file { tree = tree.merged(with: file) }
        for text in overrides {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { throw RunConfigError.malformedOverride(text) }
            let path = text[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if path.contains(where: \.isEmpty) { throw RunConfigError.malformedOverride(text) }
            tree = tree.setting(JSONValue.parseCommandLineValue(String(text[text.index(after: equals)...])), at: path)
        }
        // The command line's positional algorithm wins over a file's.
        let algorithmName = algorithm.isEmpty ? (tree["algorithm"].flatMap { if case let .string(s) = $0 { s } else { nil } } ?? "") : algorithm
        let entry = try self.entry(named: algorithmName)
        tree = tree.setting(.string(entry.name), at: ["algorithm"])
        if let env { tree = tree.setting(.string(env), at: ["env"]) }
        if let seed { tree = tree.setting(.number(Double(seed)), at: ["seed"]) }
        if let totalSteps { tree = tree.setting(.number(Double(totalSteps)), at: ["totalSteps"]) }
        if let iterations { tree = tree.setting(.number(Double(iterations)), at: ["iterations"]) }
        var chosen: AlgorithmPreset?
        if let name = preset ?? tree["preset"].flatMap({ if case let .string(s) = $0 { s } else { nil } }) {
            chosen = try entry.preset(named: name)
        } else if case let .string(id)? = tree["env"] {
            chosen = entry.tunedPreset(for: id)
        }
        if let chosen {
            var base = JSONValue.object(["agent": chosen.config, "preset": .string(chosen.name)])
            if !chosen.envOptions.isEmpty { base = base.setting(.object(chosen.envOptions.mapValues(JSONValue.string)), at: ["envOptions"]) }
            // The preset actually applied is the one recorded, even when a file named another.
            tree = base.merged(with: tree).setting(.string(chosen.name), at: ["preset"])
            if tree["totalSteps"] == nil && tree["iterations"] == nil {
                if let steps = chosen.totalSteps { tree = tree.setting(.number(Double(steps)), at: ["totalSteps"]) }
                if let count = chosen.iterations { tree = tree.setting(.number(Double(count)), at: ["iterations"]) }
            }
        }
        if tree["totalSteps"] == nil && tree["iterations"] == nil {
            if let steps = entry.defaultTotalSteps { tree = tree.setting(.number(Double(steps)), at: ["totalSteps"]) }
            if let count = entry.defaultIterations { tree = tree.setting(.number(Double(count)), at: ["iterations"]) }
        }
        if case let .object(members) = tree {
            let known = Set(RunConfig.CodingKeys.allCases.map(\.rawValue))
            let unknown = members.keys.filter { !known.contains($0) }.sorted()
            if !unknown.isEmpty { throw RunConfigError.unknownKeys(unknown, known: known.sorted()) }
        }
        if tree["env"] == nil {
            throw RunConfigError.invalid("no environment given; pass --env ID (e.g. --env CartPole-v1) or set 'env' in the config file")
        }
        var config: RunConfig
        do {
            config = try tree.decode(RunConfig.self)
        } catch let error as DecodingError {
            throw RunConfigError.invalid(RunConfig.describe(error))
        }
        // An algorithm config's own `seed` always follows the run's, so config.json shows one seed.
        if entry.defaultConfig["seed"] != nil {
            config.agent = config.agent.setting(.number(Double(config.seed)), at: ["seed"])
        }
        config.agent = try entry.resolvedConfig(config.agent)
        try config.validate()
        return config
    }
}
