/// Truncates episodes after `maxEpisodeSteps` steps (Gymnasium's `TimeLimit`): the last
/// step reports `truncated`, never `terminated`, so learners still bootstrap from it.
public final class TimeLimit: EnvironmentWrapper {
    public let wrapped: any Environment
    public let maxEpisodeSteps: Int
    /// Steps taken in the current episode.
    @exclusivity(unchecked) public private(set) var elapsedSteps = 0

    public init(_ environment: any Environment, maxEpisodeSteps: Int) {
        precondition(maxEpisodeSteps > 0, "TimeLimit: maxEpisodeSteps must be positive, got \(maxEpisodeSteps)")
        wrapped = environment
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        elapsedSteps = 0
        return try wrapped.reset(seed: seed, options: options)
    }

    public func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        elapsedSteps += 1
        if elapsedSteps >= maxEpisodeSteps { result.truncated = true }
        return result
    }
}
