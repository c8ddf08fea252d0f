/// One possible outcome of taking an action in a state of a ``TabularMDP``: an entry of
/// Gymnasium's `env.unwrapped.P[s][a]`, the tuple `(probability, next_state, reward, terminated)`.
public struct TabularTransition: Sendable, Hashable, Codable {
    /// The probability of this outcome; the outcomes of one state and action sum to 1.
    public var probability: Double
    /// The state the environment moves to.
    public var nextState: Int
    /// The reward for this outcome.
    public var reward: Double
    /// The episode ends with this outcome, so the value of `nextState` does not count:
    /// planners back up `reward + gamma * (terminated ? 0 : V[nextState])`.
    public var terminated: Bool

    public init(probability: Double, nextState: Int, reward: Double, terminated: Bool) {
        self.probability = probability
        self.nextState = nextState
        self.reward = reward
        self.terminated = terminated
    }
}
