/// The native wrappers around a raw Atari (ALE) environment, chosen by environment options,
/// so that `swiftrl train ppo --env ALE/Breakout-v5 --env-option atari_preprocessing=standard`
/// and a preset's `envOptions` pick the preprocessing without Python-side wrappers.
///
/// The raw environment observes ALE's `[210, 160, 3]` uint8 RGB screen, acts in `Discrete(n)`
/// and reports `info["lives"]`. Whoever makes it (the Gymnasium bridge) lists
/// ``optionSpecs`` for its ids, parses them with ``init(options:)``, makes the emulator with
/// `frameskip=1` when ``needsSingleFrameSteps`` says so, and returns ``wrap(_:)`` of it.
/// ``Registry/make(_:options:)`` puts its ``TimeLimit`` (`max_episode_steps`) around the
/// result, so a limit counts agent steps, after frame skipping.
///
/// The modes (`atari_preprocessing`):
/// - `none`: the raw screen.
/// - `standard`: ``AtariPreprocessing`` (Machado et al. 2018 as Gymnasium does it: no-op
///   starts, frame skip with a max over the last two frames, ALE grayscale, 84x84 area
///   resize), which skips frames itself. With `frame_stack=4`, `terminal_on_life_loss`,
///   `fire_reset` and `clip_reward` it is Stable-Baselines3's `AtariWrapper` plus its
///   `VecFrameStack`, the setting of RL Zoo's and CleanRL's Atari results.
/// - `pong`: ``PongPreprocessing`` and, by default, ``FrameDifference``: Karpathy's "Pong
///   from Pixels", `[80, 80, 1]` float frames.
///
/// The wrappers go on in this order, innermost first: the mode's preprocessing,
/// ``RecordGameStatistics`` (with `terminal_on_life_loss` or `clip_reward`, so that metrics
/// report whole games' scores), ``EpisodicLife``, ``FireReset``, ``FrameDifference``, reward
/// sign clipping, ``FrameStack``:
/// the order of SB3's `AtariWrapper` (no-ops and frame skip, episodic life, fire reset,
/// warp, clip) with its frame stack outside.
///
/// Observation layouts: `standard` gives `[84, 84]` bytes (`[84, 84, 1]` with
/// `grayscale_newaxis`), and `[k, 84, 84]` with `frame_stack=k`: channels first, as
/// networks with `inputLayout: .channelsFirst` read it (DQN's and the actor-critics' Atari
/// presets). `pong` gives `[80, 80, 1]`, channels last.
public struct AtariPipeline: Sendable, Equatable {
    /// The frame-level preprocessing.
    public enum Preprocessing: String, Sendable, CaseIterable {
        /// The raw RGB screen.
        case none
        /// ``AtariPreprocessing``: no-op starts, frame skipping, grayscale, 84x84.
        case standard
        /// ``PongPreprocessing`` (and ``FrameDifference`` unless `frame_difference=false`).
        case pong
    }

    /// The option specs (names, defaults, help) the bridge lists for ALE ids.
    public static let optionSpecs: [EnvironmentOptionSpec] = [
        EnvironmentOptionSpec("atari_preprocessing", default: "none", help:
            "none (raw RGB screen), standard (no-op starts, frame skip, grayscale 84x84, as Gymnasium's AtariPreprocessing; "
            + "the emulator then runs with frameskip=1) or pong (Karpathy's Pong from Pixels: 80x80 binary court)"),
        EnvironmentOptionSpec("noop_max", default: "30", help: "standard: most NOOP steps after a reset (a random count in 1...noop_max); 0 turns them off"),
        EnvironmentOptionSpec("frame_skip", default: "4", help: "standard: emulator frames per agent step, the last two max-pooled"),
        EnvironmentOptionSpec("screen_size", default: "84", help: "standard: side of the square grayscale frame (1...160)"),
        EnvironmentOptionSpec("grayscale_newaxis", default: "false", help:
            "standard without frame_stack: frames of shape [size, size, 1] instead of [size, size], for convolutions"),
        EnvironmentOptionSpec("terminal_on_life_loss", default: "false", help:
            "a lost life ends the episode but the game goes on after a NOOP (SB3's EpisodicLifeEnv); needs info[\"lives\"]"),
        EnvironmentOptionSpec("fire_reset", default: "false", help:
            "press FIRE (action 1), then action 2, after every reset and lost life (SB3's FireResetEnv); only for games whose action 1 is FIRE"),
        EnvironmentOptionSpec("clip_reward", default: "false", help: "rewards become their sign, -1, 0 or 1 (SB3's ClipRewardEnv)"),
        EnvironmentOptionSpec("frame_stack", default: "0", help:
            "stack the last k observations along a new leading axis ([k, 84, 84] for standard); 0: no stacking"),
        EnvironmentOptionSpec("frame_difference", default: "true", help:
            "pong: observe the difference of consecutive frames (Karpathy's cur_x - prev_x)"),
    ]

    /// The frame-level preprocessing (`atari_preprocessing`).
    public let preprocessing: Preprocessing
    /// ``AtariPreprocessing/noopMax`` (`noop_max`), for `standard`.
    public let noopMax: Int
    /// ``AtariPreprocessing/frameSkip`` (`frame_skip`), for `standard`.
    public let frameSkip: Int
    /// ``AtariPreprocessing/screenSize`` (`screen_size`), for `standard`.
    public let screenSize: Int
    /// ``AtariPreprocessing/grayscaleNewAxis`` (`grayscale_newaxis`), for `standard`.
    public let grayscaleNewAxis: Bool
    /// Wrap in ``EpisodicLife`` (`terminal_on_life_loss`).
    public let terminalOnLifeLoss: Bool
    /// Wrap in ``FireReset`` (`fire_reset`).
    public let fireReset: Bool
    /// Replace rewards by their sign (`clip_reward`).
    public let clipReward: Bool
    /// Frames stacked by ``FrameStack`` (`frame_stack`); 0: none.
    public let frameStack: Int
    /// Wrap in ``FrameDifference`` (`frame_difference`), for `pong`.
    public let frameDifference: Bool

    /// Whether the raw environment must be made with frameskip=1 (standard preprocessing skips frames itself).
    public var needsSingleFrameSteps: Bool { preprocessing == .standard }

    /// Parses the options of ``optionSpecs``; throws ``EnvironmentError/invalidOption(id:option:reason:)``
    /// naming the option and the fix for a value out of range or an option the chosen
    /// preprocessing does not take. Options of other wrappers (`max_episode_steps`,
    /// `render_mode`, the bridge's own) are left to their owners.
    public init(options: EnvironmentOptions) throws {
        func invalid(_ option: String, _ reason: String) -> EnvironmentError {
            .invalidOption(id: options.id, option: option, reason: reason)
        }
        let modeText = options.string("atari_preprocessing", default: Preprocessing.none.rawValue)
        guard let mode = Preprocessing(rawValue: modeText) else {
            throw invalid("atari_preprocessing", "'\(modeText)' is not one of \(Preprocessing.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        preprocessing = mode
        noopMax = try options.int("noop_max", default: 30)
        frameSkip = try options.int("frame_skip", default: 4)
        screenSize = try options.int("screen_size", default: 84)
        grayscaleNewAxis = try options.bool("grayscale_newaxis", default: false)
        terminalOnLifeLoss = try options.bool("terminal_on_life_loss", default: false)
        fireReset = try options.bool("fire_reset", default: false)
        clipReward = try options.bool("clip_reward", default: false)
        frameStack = try options.int("frame_stack", default: 0)
        frameDifference = try options.bool("frame_difference", default: true)

        let modeOptions: [(name: String, mode: Preprocessing)] = [
            ("noop_max", .standard), ("frame_skip", .standard), ("screen_size", .standard), ("grayscale_newaxis", .standard),
            ("frame_difference", .pong),
        ]
        for (name, owner) in modeOptions where options.values[name] != nil && mode != owner {
            throw invalid(name, "only atari_preprocessing=\(owner.rawValue) takes it, this environment has atari_preprocessing=\(mode.rawValue); "
                + (name == "frame_skip" ? "drop it (the emulator's own frameskip applies) or use atari_preprocessing=standard"
                                        : "drop it or use atari_preprocessing=\(owner.rawValue)"))
        }
        if noopMax < 0 { throw invalid("noop_max", "must be 0 or more, got \(noopMax)") }
        if frameSkip < 1 { throw invalid("frame_skip", "must be 1 or more, got \(frameSkip)") }
        if !(1...160).contains(screenSize) {
            throw invalid("screen_size", "must lie in 1...160 (frames are only shrunk from ALE's 210x160), got \(screenSize)")
        }
        if frameStack < 0 { throw invalid("frame_stack", "must be 0 (no stacking) or more, got \(frameStack)") }
        if frameStack > 0 && mode == .pong {
            throw invalid("frame_stack", "pong frames are [80, 80, 1] and would stack into 4-D observations no network reads; "
                + "drop frame_stack (frame_difference shows the motion) or use atari_preprocessing=standard")
        }
        if frameStack > 0 && grayscaleNewAxis {
            throw invalid("grayscale_newaxis", "with frame_stack the stack axis is the channel axis ([k, size, size]); drop grayscale_newaxis")
        }
        if terminalOnLifeLoss && options.values["max_episode_steps"] != nil {
            throw invalid("max_episode_steps", "with terminal_on_life_loss the step limit would count the steps of each life "
                + "and never end the game; drop max_episode_steps (the emulator bounds games itself) or terminal_on_life_loss")
        }
    }

    /// `raw` inside the chosen wrappers (see the type's documentation for their order). `raw`
    /// must observe ALE's `[210, 160, 3]` uint8 screen and step one frame at a time when
    /// ``needsSingleFrameSteps`` is set; otherwise the wrappers stop with a precondition
    /// failure naming the mismatch.
    public func wrap(_ raw: any Environment) -> any Environment {
        var env = raw
        switch preprocessing {
        case .none: break
        case .standard:
            env = AtariPreprocessing(env, noopMax: noopMax, frameSkip: frameSkip, screenSize: screenSize,
                                     grayscaleNewAxis: grayscaleNewAxis)
        case .pong:
            env = PongPreprocessing(env)
        }
        // Episodes cut into lives or rewards clipped: keep the game's own score for the metrics.
        if terminalOnLifeLoss || clipReward { env = RecordGameStatistics(env) }
        if terminalOnLifeLoss { env = EpisodicLife(env) }
        if fireReset { env = FireReset(env) }
        if preprocessing == .pong && frameDifference { env = FrameDifference(env) }
        if clipReward { env = TransformReward(env, transform: Self.sign) }
        if frameStack > 0 { env = FrameStack(env, stackSize: frameStack) }
        return env
    }

    /// SB3's `ClipRewardEnv` (`np.sign`); ALE's rewards are integers, so this is also
    /// clipping to [-1, 1].
    static func sign(_ reward: Double) -> Double {
        reward > 0 ? 1 : (reward < 0 ? -1 : 0)
    }
}
