/// Clips each reward into `[minReward, maxReward]` (Gymnasium's `ClipReward`,
/// gymnasium/wrappers/transform_reward.py); either bound may be nil for one-sided clipping.
/// DQN's Atari setting is `ClipReward(env, minReward: -1, maxReward: 1)`.
public final class ClipReward: EnvironmentWrapper {
    public let wrapped: any Environment
    public let minReward: Double?
    public let maxReward: Double?

    public init(_ env: any Environment, minReward: Double? = nil, maxReward: Double? = nil) {
        precondition(minReward != nil || maxReward != nil, "ClipReward: give minReward, maxReward or both")
        if let low = minReward, let high = maxReward {
            precondition(low <= high, "ClipReward: minReward \(low) exceeds maxReward \(high)")
        }
        wrapped = env
        self.minReward = minReward
        self.maxReward = maxReward
    }

    public func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        if let low = minReward { result.reward = Swift.max(result.reward, low) }
        if let high = maxReward { result.reward = Swift.min(result.reward, high) }
        return result
    }
}
