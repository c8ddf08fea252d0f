/// Presses FIRE (action 1) and then action 2 after every reset (Stable-Baselines3's
/// `FireResetEnv`, stable_baselines3/common/atari_wrappers.py): games such as Breakout wait
/// for FIRE to launch the ball, and an agent that has not learnt to press it yet would
/// otherwise idle until a time limit. Around ``EpisodicLife`` it runs after every lost life
/// too, since each life starts with a reset.
///
/// SB3's `AtariWrapper` applies it only to games whose action 1 is FIRE (Pong, Breakout and
/// most others); the action meanings are not part of this library's spaces, so whoever builds
/// the pipeline decides. The two steps' rewards are dropped and, if either ends the episode,
/// the environment is reset again, as in SB3; the info returned is the last step's (SB3
/// returns an empty one), so `info["lives"]` stays available.
public final class FireReset: EnvironmentWrapper {
    public let wrapped: any Environment

    /// Wraps an environment with a `Discrete` action space of at least 3 actions, action 1 being FIRE.
    public init(_ env: any Environment) {
        guard case let .discrete(n, start) = env.actionSpace, start == 0, n >= 3 else {
            preconditionFailure("FireReset presses actions 1 (FIRE) and 2 after reset, which needs Discrete(n >= 3) actions; \(env.id) has \(env.actionSpace)")
        }
        wrapped = env
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        var (observation, info) = try wrapped.reset(seed: seed, options: options)
        for action in [1, 2] {
            let result = try wrapped.step(.discrete(action))
            (observation, info) = (result.observation, result.info)
            if result.isDone { (observation, info) = try wrapped.reset(seed: seed, options: options) }
        }
        return (observation, info)
    }
}
