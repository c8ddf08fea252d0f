/// Ends an episode when a life is lost but lets the game go on (Stable-Baselines3's
/// `EpisodicLifeEnv`, stable_baselines3/common/atari_wrappers.py, from Mnih et al. 2015): the
/// step that loses a life reports `terminated`, so learners see the loss as a terminal
/// state, yet the following `reset` only takes a NOOP step (action 0) to continue the same
/// game; the emulator is reset only once the game is really over.
///
/// This is what "terminal on life loss" means in SB3's `AtariWrapper` and CleanRL, whose
/// published Atari results assume it. Gymnasium's `AtariPreprocessing(terminal_on_life_loss=True)`
/// instead resets the whole game after every lost life, so an agent never plays past its
/// first life; ``AtariPreprocessing/terminalOnLifeLoss`` keeps that behaviour.
///
/// The wrapped environment reports its remaining lives as `info["lives"]` (an int, as ALE
/// does) in every reset and step info; the last life's loss (lives reaching 0) is the game's
/// own end. A step limit put around this wrapper (a ``TimeLimit``) counts the steps of each
/// life and truncates the life, not the game; put the limit inside (the emulator's own
/// `max_num_frames_per_episode`) to bound whole games.
///
/// One difference from SB3: only the reset right after a lost life continues the game. SB3
/// continues whenever the last step did not end the game, so resetting twice in a row, or in
/// the middle of a life, does not reset there; here any other reset restarts the emulator
/// with its seed, as ``Environment/reset(seed:options:)`` promises. (The continuing reset
/// cannot honour a seed: the game is already under way.)
public final class EpisodicLife: EnvironmentWrapper {
    public let wrapped: any Environment
    /// The lives left after the last reset or step.
    public private(set) var lives = 0
    /// Whether the last step lost a life without ending the game, so that the next reset
    /// continues the game instead of restarting it.
    public private(set) var lostLife = false

    /// Wraps an environment with a `Discrete` action space whose action 0 is NOOP.
    public init(_ env: any Environment) {
        precondition(env.actionSpace.contains(.discrete(0)),
                     "EpisodicLife continues a game after a lost life with action 0 (NOOP), which \(env.id)'s action space \(env.actionSpace) lacks")
        wrapped = env
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        var observation: Observation, info: Info
        if !lostLife {
            (observation, info) = try wrapped.reset(seed: seed, options: options)
        } else {
            // The game goes on from the lost life; the NOOP's reward belongs to no episode, as in SB3.
            let noop = try wrapped.step(.discrete(0))
            (observation, info) = (noop.observation, noop.info)
            if noop.isDone { (observation, info) = try wrapped.reset(seed: seed, options: options) }
        }
        lives = try reportedLives(info)
        lostLife = false
        return (observation, info)
    }

    /// Throws ``EnvironmentError/stepAfterDone(id:)`` after a lost life until the next reset,
    /// although the game could go on: the episode has ended.
    public func step(_ action: Action) throws -> Step {
        if lostLife { throw EnvironmentError.stepAfterDone(id: id) }
        var result = try wrapped.step(action)
        let current = try reportedLives(result.info)
        // 0 lives is the game over the wrapped environment reports itself.
        lostLife = !result.isDone && current > 0 && current < lives
        if lostLife {
            result.terminated = true
            // Tells episode metrics that this episode is a life, not a game (RecordGameStatistics).
            result.info["life_lost"] = .bool(true)
        }
        lives = current
        return result
    }

    private func reportedLives(_ info: Info) throws -> Int {
        switch info["lives"] {
        case let .int(value)?: return value
        case let .double(value)?: return Int(value)
        default:
            throw EnvironmentError.invalidOption(
                id: id, option: "terminal_on_life_loss",
                reason: "the wrapped environment reports no info[\"lives\"]; report the remaining lives as an int in every reset and step info, or turn terminal_on_life_loss off")
        }
    }
}
