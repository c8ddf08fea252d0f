import Environments

/// Connects the Gymnasium bridge to a ``Registry``, so that `make("ALE/Breakout-v5")`, the
/// command line (`swiftrl train dqn --env ALE/Breakout-v5`) and config files reach every
/// Gymnasium id the way they reach native ones.
public enum Gymnasium {
    /// The name of the bridge's ``EnvironmentResolver``.
    public static let resolverName = "gymnasium"

    /// Options the bridge itself reads; every other option becomes a keyword argument of
    /// `gymnasium.make` (`--option frameskip=1`).
    public static let optionSpecs: [EnvironmentOptionSpec] = [
        EnvironmentOptionSpec("python", default: "python3", help: "the Python interpreter running Gymnasium (or set SWIFTRL_PYTHON)"),
        EnvironmentOptionSpec("flatten_observation", default: "false", help: "wrap in gymnasium.wrappers.FlattenObservation (for Dict and Tuple observations)"),
        EnvironmentOptionSpec("startup_timeout", default: "120", help: "seconds to wait for the worker's imports and gymnasium.make"),
    ]

    /// Adds the bridge to `registry` (idempotent). Ids the registry does not know go to
    /// Gymnasium, except near-misses of native ids, which keep the registry's "did you mean"
    /// error; `gym:ID` always goes to Gymnasium, also for ids SwiftRL has natively
    /// (`gym:CartPole-v1` steps Gymnasium's own CartPole).
    public static func install(in registry: Registry = .shared) {
        registry.addResolver(EnvironmentResolver(name: resolverName) { id, nativeIDs in
            if id.hasPrefix("gym:") { return spec(for: id, gymnasiumID: String(id.dropFirst(4)), explicit: true) }
            let nearNative = !closestNames(to: id, in: nativeIDs, count: 1, maxDistance: 2).isEmpty
            return nearNative ? nil : spec(for: id, gymnasiumID: id, explicit: false)
        })
    }

    /// The registry entry for one Gymnasium id.
    static func spec(for id: String, gymnasiumID: String, explicit: Bool) -> EnvironmentSpec {
        EnvironmentSpec(id: id, rewardThreshold: nil, maxEpisodeSteps: nil, options: optionSpecs,
                        summary: "Gymnasium's \(gymnasiumID), run by a Python worker process", acceptsOtherOptions: true) { options in
            do {
                return try make(gymnasiumID, options: options)
            } catch let error as GymBridgeError where !explicit {
                // Without Python or Gymnasium an unknown id may just be a typo: say both.
                switch error {
                case .pythonNotFound, .missingModule(_, "gymnasium", _, _), .missingModule(_, "numpy", _, _):
                    throw GymBridgeError.notNative(id: id, reason: error.description)
                default:
                    throw error
                }
            }
        }
    }

    /// Builds the bridged environment from registry options.
    static func make(_ gymnasiumID: String, options: EnvironmentOptions) throws -> any Environment {
        let bridgeOptions = Set(optionSpecs.map(\.name) + ["render_mode"])
        var arguments: [String: GymArgument] = [:]
        for (name, text) in options.values where !bridgeOptions.contains(name) {
            arguments[name] = GymArgument(parsing: text)
        }
        let timeout = try options.double("startup_timeout", default: 120)
        guard timeout > 0 else {
            throw EnvironmentError.invalidOption(id: options.id, option: "startup_timeout", reason: "must be positive, got \(timeout)")
        }
        return try GymnasiumEnvironment(
            id: gymnasiumID, arguments: arguments, renderMode: try options.renderMode(),
            python: options.values["python"] ?? GymnasiumEnvironment.defaultPython,
            flattenObservation: try options.bool("flatten_observation", default: false), startupTimeout: timeout)
    }
}
