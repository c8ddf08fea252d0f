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
        EnvironmentOptionSpec("share_core", default: "false", help:
            "pin the stepping thread and the worker to one core (Linux): faster for a single environment, wrong for vectors"),
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
        EnvironmentSpec(id: id, rewardThreshold: nil, maxEpisodeSteps: nil, options: optionSpecs + AtariPipeline.optionSpecs,
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

    /// Builds the bridged environment from registry options: the bridge's own, the native
    /// Atari pipeline's (``AtariPipeline``), and keyword arguments of `gymnasium.make`.
    static func make(_ gymnasiumID: String, options: EnvironmentOptions) throws -> any Environment {
        let pipelineNames = Set(AtariPipeline.optionSpecs.map(\.name))
        let usesPipeline = options.values.keys.contains(where: pipelineNames.contains)
        let pipeline = try AtariPipeline(options: options)
        var bridgeOptions = Set(optionSpecs.map(\.name) + ["render_mode"]).union(pipelineNames)
        // A step limit around the pipeline counts agent steps (Registry.make applies it);
        // given to Gymnasium as well it would count emulator frames.
        if usesPipeline { bridgeOptions.insert("max_episode_steps") }
        var arguments: [String: GymArgument] = [:]
        for (name, text) in options.values where !bridgeOptions.contains(name) {
            arguments[name] = GymArgument(parsing: text)
        }
        if pipeline.needsSingleFrameSteps {
            if let frameskip = arguments["frameskip"], frameskip != .int(1) {
                throw EnvironmentError.invalidOption(id: options.id, option: "frameskip", reason:
                    "atari_preprocessing=standard skips frames itself (frame_skip), so the emulator must step single frames; drop frameskip or set it to 1")
            }
            arguments["frameskip"] = .int(1)
        }
        let timeout = try options.double("startup_timeout", default: 120)
        guard timeout > 0 else {
            throw EnvironmentError.invalidOption(id: options.id, option: "startup_timeout", reason: "must be positive, got \(timeout)")
        }
        func notAtari(_ what: String) -> EnvironmentError {
            .invalidOption(id: options.id, option: "atari_preprocessing", reason:
                "the Atari options need an ALE environment observing the [210, 160, 3] RGB screen with discrete actions; \(gymnasiumID) \(what) (ALE ids look like ALE/Pong-v5 or PongNoFrameskip-v4; keep obs_type=\"rgb\", the default)")
        }
        let raw: GymnasiumEnvironment
        do {
            raw = try GymnasiumEnvironment(
                id: gymnasiumID, arguments: arguments, renderMode: try options.renderMode(),
                python: options.values["python"] ?? GymnasiumEnvironment.defaultPython,
                flattenObservation: try options.bool("flatten_observation", default: false),
                sharesCallerCore: try options.bool("share_core", default: false), startupTimeout: timeout)
        } catch let GymBridgeError.makeFailed(_, message, _) where pipeline.needsSingleFrameSteps && message.contains("'frameskip'") {
            throw notAtari("takes no frameskip argument")
        }
        guard usesPipeline else { return raw }
        guard case .box(_, _, [210, 160, 3], .uint8) = raw.observationSpace, raw.actionSpace.discreteCount != nil else {
            raw.close()
            throw notAtari("has \(raw.observationSpace) and \(raw.actionSpace)")
        }
        return pipeline.wrap(raw)
    }
}
