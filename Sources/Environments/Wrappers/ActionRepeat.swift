/// Repeats each action `times` steps and sums the rewards (TF-Agents'
/// `tf_agents.environments.wrappers.ActionRepeat`), stopping early when the episode ends;
/// the observation, flags and info are those of the last inner step.
///
/// TF-Agents refuses `times <= 1`; 1 is allowed here as the identity, which is handy when
/// sweeping the repeat count.
public final class ActionRepeat: EnvironmentWrapper {
    public let wrapped: any Environment
    /// Inner steps per outer step.
    public let times: Int

    public init(_ env: any Environment, times: Int) {
        precondition(times >= 1, "ActionRepeat: times must be at least 1, got \(times)")
        wrapped = env
        self.times = times
    }

    public func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        var total = result.reward
        var repeats = 1
        while repeats < times && !result.isDone {
            result = try wrapped.step(action)
            total += result.reward
            repeats += 1
        }
        result.reward = total
        return result
    }
}
