import Environments

/// Tabular Q-learning (Watkins 1989; Sutton & Barto, section 6.5; *Hands-On Machine
/// Learning*, ch. 18): off-policy TD control that learns the optimal action values while an
/// exploration policy chooses the actions.
///
/// Every transition the ``Driver`` produces updates `Q(s, a) += α_t [r + γ max_a' Q(s', a') − Q(s, a)]`,
/// with no bootstrap after termination, `α_t = α0 / (1 + t · decay)` over the updates so
/// far, and `max` only over the actions possible in `s'`. With count-based exploration the
/// target uses Géron's `max_a' f(Q(s', a'), N(s', a'))` instead (eq. 18-6).
///
/// Observations index the table (see ``TabularStateIndexer``). When the environment is a
/// ``TabularEnvironment`` observed by state index, the model's impossible actions start at
/// −∞ (the book's convention); another ``LegalActionsEnvironment`` is asked for its legal
/// actions in every state met, which must depend on the observation only.
///
/// ```swift
/// let agent = try QLearningAgent.make(config: QLearningConfig(), environment: make("FrozenLake-v1"))
/// for _ in 0..<20 { _ = try agent.trainIteration() }
/// let action = try agent.policy.action(for: observation, using: &generator)
/// ```
public final class QLearningAgent: TabularTDAgent, Agent {
    /// The name `swiftrl train` knows it by.
    public static let algorithmName = "q-learning"

    /// The hyperparameters it was built with.
    public let config: QLearningConfig

    /// Builds the agent, or throws ``TabularAgentError`` when a hyperparameter is out of range
    /// or the environment's observations cannot index a table.
    public init(config: QLearningConfig, environment: any Environment) throws {
        try config.validate()
        self.config = config
        super.init(environment: environment, learner: try TabularControl(
            rule: .qLearning, environment: environment, gamma: config.gamma, learningRate: config.learningRate,
            learningRateDecay: config.learningRateDecay, exploration: config.exploration, epsilon: config.epsilon,
            explorationBonus: config.explorationBonus, stepsPerIteration: config.stepsPerIteration, seed: config.seed))
    }

    /// The factory the algorithm registry calls: ``init(config:environment:)``.
    public static func make(config: QLearningConfig, environment: any Environment) throws -> QLearningAgent {
        try QLearningAgent(config: config, environment: environment)
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
