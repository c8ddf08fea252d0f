/// Applies a function to every reward (Gymnasium's `TransformReward`,
/// gymnasium/wrappers/transform_reward.py), e.g. `TransformReward(env) { $0 * 0.01 }`.
public final class TransformReward: EnvironmentWrapper {
    public let wrapped: any Environment
    private let transform: (Double) -> Double

    public init(_ env: any Environment, transform: @escaping (Double) -> Double) {
        wrapped = env
        self.transform = transform
    }

    public func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        result.reward = transform(result.reward)
        return result
    }
}
