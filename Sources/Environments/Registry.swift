import Synchronization

/// An option an environment accepts in ``make(_:options:)``, with its help text.
public struct EnvironmentOptionSpec: Sendable, Hashable {
    public let name: String
    public let help: String
    public let defaultValue: String

    public init(_ name: String, default defaultValue: String, help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// Options given to ``make(_:options:)`` as text (so the command line and config files can
/// pass them unchanged), with typed accessors that throw errors naming the option.
public struct EnvironmentOptions: Sendable {
    public let id: String
    public let values: [String: String]

    public init(id: String, values: [String: String]) {
        self.id = id
        self.values = values
    }

    public func string(_ name: String, default value: String) -> String { values[name] ?? value }

    public func double(_ name: String, default value: Double) throws -> Double {
        guard let text = values[name] else { return value }
        guard let parsed = Double(text), parsed.isFinite else {
            throw EnvironmentError.invalidOption(id: id, option: name, reason: "'\(text)' is not a finite number")
        }
        return parsed
    }

    public func int(_ name: String, default value: Int) throws -> Int {
        guard let text = values[name] else { return value }
        guard let parsed = Int(text) else {
            throw EnvironmentError.invalidOption(id: id, option: name, reason: "'\(text)' is not an integer")
        }
        return parsed
    }

    public func bool(_ name: String, default value: Bool) throws -> Bool {
        guard let text = values[name] else { return value }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw EnvironmentError.invalidOption(id: id, option: name, reason: "'\(text)' is not true or false")
        }
    }

    /// The render mode option, `render_mode`.
    public func renderMode() throws -> RenderMode? {
        guard let text = values["render_mode"] else { return nil }
        guard let mode = RenderMode(rawValue: text) else {
            throw EnvironmentError.invalidOption(id: id, option: "render_mode", reason:
                "'\(text)' is not one of \(RenderMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return mode
    }
}

/// A registered environment: how to build it and what Gymnasium's registry says about it.
public struct EnvironmentSpec: Sendable {
    public let id: String
    /// The episode return at which the task counts as solved, if defined.
    public let rewardThreshold: Double?
    /// The step limit `make` applies with a ``TimeLimit`` (nil: none).
    public let maxEpisodeSteps: Int?
    /// The options this environment takes besides `render_mode` and `max_episode_steps`.
    public let options: [EnvironmentOptionSpec]
    /// One line on what the environment is.
    public let summary: String
    /// Whether `make` passes options it does not list on to the factory instead of
    /// rejecting them: Gymnasium environments take any keyword argument of their own.
    public let acceptsOtherOptions: Bool
    let factory: @Sendable (EnvironmentOptions) throws -> any Environment

    public init(id: String, rewardThreshold: Double?, maxEpisodeSteps: Int?, options: [EnvironmentOptionSpec] = [],
                summary: String, acceptsOtherOptions: Bool = false,
                factory: @escaping @Sendable (EnvironmentOptions) throws -> any Environment) {
        self.id = id
        self.acceptsOtherOptions = acceptsOtherOptions
        self.rewardThreshold = rewardThreshold
        self.maxEpisodeSteps = maxEpisodeSteps
        self.options = options
        self.summary = summary
        self.factory = factory
    }
}

/// Builds specs for ids that are not in a ``Registry``'s table, such as the Gymnasium
/// bridge, which can make any id Gymnasium knows but cannot list them without Python.
public struct EnvironmentResolver: Sendable {
    /// Identifies the resolver; adding one with the same name replaces it.
    public let name: String
    /// The spec for `id`, or nil when this resolver does not handle it. `nativeIDs` are the
    /// registry's own ids, so a resolver can leave near-misses of them to the registry's
    /// "did you mean" error.
    let resolve: @Sendable (_ id: String, _ nativeIDs: [String]) -> EnvironmentSpec?

    public init(name: String, resolve: @escaping @Sendable (_ id: String, _ nativeIDs: [String]) -> EnvironmentSpec?) {
        self.name = name
        self.resolve = resolve
    }
}

/// Environment ids and how to make them (Gymnasium's `gymnasium.envs.registry`).
public final class Registry: Sendable {
    /// The registry `make` uses, holding every built-in environment.
    public static let shared = Registry(specs: BuiltinEnvironments.specs)

    private let table: Mutex<[String: EnvironmentSpec]>
    private let resolvers = Mutex<[EnvironmentResolver]>([])

    public init(specs: [EnvironmentSpec] = []) {
        table = Mutex(Dictionary(specs.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last }))
    }

    /// Adds a resolver consulted, in the order added, for ids missing from the table.
    /// Adding one whose name is already present replaces it, so installing twice is harmless.
    public func addResolver(_ resolver: EnvironmentResolver) {
        resolvers.withLock { list in
            if let index = list.firstIndex(where: { $0.name == resolver.name }) {
                list[index] = resolver
            } else {
                list.append(resolver)
            }
        }
    }

    /// The names of the resolvers added, in order.
    public var resolverNames: [String] { resolvers.withLock { $0.map(\.name) } }

    /// Adds or replaces an environment.
    public func register(_ spec: EnvironmentSpec) {
        table.withLock { $0[spec.id] = spec }
    }

    /// Every registered environment, sorted by id.
    public var specs: [EnvironmentSpec] {
        table.withLock { Array($0.values) }.sorted { $0.id < $1.id }
    }

    /// The spec of `id`, or an error suggesting the nearest ids.
    public func spec(_ id: String) throws -> EnvironmentSpec {
        if let spec = table.withLock({ $0[id] }) { return spec }
        let nativeIDs = specs.map(\.id)
        for resolver in resolvers.withLock({ $0 }) {
            if let spec = resolver.resolve(id, nativeIDs) { return spec }
        }
        throw EnvironmentError.unknownID(id, suggestions: closestNames(to: id, in: nativeIDs, count: 3, maxDistance: max(3, id.count / 2)))
    }

    /// Builds `id` with `options`, wrapped in a ``TimeLimit`` of its registered step limit
    /// (or of the option `max_episode_steps`).
    public func make(_ id: String, options: [String: String] = [:]) throws -> any Environment {
        let spec = try spec(id)
        let known = Set(spec.options.map(\.name) + ["render_mode", "max_episode_steps"])
        for name in options.keys.sorted() where !known.contains(name) && !spec.acceptsOtherOptions {
            throw EnvironmentError.invalidOption(id: id, option: name, reason:
                "not an option of \(id); it takes \(known.sorted().joined(separator: ", "))")
        }
        let parsed = EnvironmentOptions(id: id, values: options)
        _ = try parsed.renderMode()
        let limit = try parsed.int("max_episode_steps", default: spec.maxEpisodeSteps ?? 0)
        if options["max_episode_steps"] != nil && limit <= 0 {
            throw EnvironmentError.invalidOption(id: id, option: "max_episode_steps", reason: "must be positive, got \(limit)")
        }
        let environment = try spec.factory(parsed)
        return limit > 0 ? TimeLimit(environment, maxEpisodeSteps: limit) : environment
    }
}

/// Builds a registered environment: `try make("CartPole-v1")`.
public func make(_ id: String, options: [String: String] = [:]) throws -> any Environment {
    try Registry.shared.make(id, options: options)
}
