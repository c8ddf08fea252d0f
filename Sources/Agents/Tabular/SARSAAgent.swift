import Environments

/// Tabular SARSA (Rummery & Niranjan 1994; Sutton & Barto, section 6.4): on-policy TD
/// control with ε-greedy exploration.
///
/// Each transition `(s, a, r, s')` is updated once the next action `a'` is drawn:
/// `Q(s, a) += α_t [r + γ Q(s', a') − Q(s, a)]`, with no bootstrap after termination. When
/// an episode is truncated (a time limit, or the end of an iteration) before `a'` exists,
/// the target uses the ε-greedy policy's expected value in `s'` instead (Expected SARSA,
/// eq. 6.9), which SARSA's target equals in expectation. Because it values the exploring
/// policy, SARSA prefers the safe path on CliffWalking where Q-learning walks the edge
/// (Sutton & Barto, Example 6.6). Tables and possible actions are as in ``QLearningAgent``.
public final class SARSAAgent: TabularTDAgent, Agent {
    /// The name `swiftrl train` knows it by.
    public static let algorithmName = "sarsa"

    /// The hyperparameters it was built with.
    public let config: SARSAConfig

    /// Builds the agent, or throws ``TabularAgentError`` when a hyperparameter is out of range
    /// or the environment's observations cannot index a table.
    public init(config: SARSAConfig, environment: any Environment) throws {
        try config.validate()
        self.config = config
        super.init(environment: environment, learner: try TabularControl(
            rule: .sarsa, environment: environment, gamma: config.gamma, learningRate: config.learningRate,
            learningRateDecay: config.learningRateDecay, exploration: .epsilonGreedy, epsilon: config.epsilon,
            explorationBonus: 0, stepsPerIteration: config.stepsPerIteration, seed: config.seed))
    }

    /// The factory the algorithm registry calls: ``init(config:environment:)``.
    public static func make(config: SARSAConfig, environment: any Environment) throws -> SARSAAgent {
        try SARSAAgent(config: config, environment: environment)
    }

    /// Q-values as the `q_values` tensor; visit counts, counters, the driver's generator and
    /// the configuration as JSON.
    public func checkpoint() throws -> AgentCheckpoint {
        try checkpoint(with: config)
    }

    /// Restores a checkpoint of this algorithm written with the same configuration and
    /// environment spaces; throws ``AgentCheckpointError`` naming what differs.
    public func restore(from checkpoint: AgentCheckpoint) throws {
        try restore(from: checkpoint, config: config)
    }
}
