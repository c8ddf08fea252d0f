/// Sums the raw rewards and counts the steps of whole games beneath the wrappers that cut a
/// game into lives (``EpisodicLife``) or clip its rewards, and reports them at the step that
/// ends the game as `info["game_return"]` (a double) and `info["game_length"]` (an int).
///
/// This is the score Stable-Baselines3's `Monitor` and CleanRL's `RecordEpisodeStatistics`
/// log for Atari, both placed innermost for this reason: the episodes a learner sees there
/// are single lives with rewards clipped to their sign, and their returns say little about how
/// well the game is played. SwiftRL's episode metrics (`EpisodeStatisticsBuffer`) read these
/// entries when present, and skip the ends of lives that ``EpisodicLife`` marks with
/// `info["life_lost"]`.
public final class RecordGameStatistics: EnvironmentWrapper {
    public let wrapped: any Environment
    private var gameReturn = 0.0
    private var gameLength = 0

    public init(_ env: any Environment) {
        wrapped = env
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        gameReturn = 0
        gameLength = 0
        return try wrapped.reset(seed: seed, options: options)
    }

    public func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        gameReturn += result.reward
        gameLength += 1
        if result.isDone {
            result.info["game_return"] = .double(gameReturn)
            result.info["game_length"] = .int(gameLength)
        }
        return result
    }
}
