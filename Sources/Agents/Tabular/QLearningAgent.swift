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
public final class QLearningAgent: Agent {
    /// The name `swiftrl train` knows it by.
    public static let algorithmName = "q-learning"

    /// The hyperparameters it was built with.
    public let config: QLearningConfig
    /// The environment it trains in (the driver's only copy).
    public let environment: any Environment
    private let learner: TabularControl
    private let greedy: QTableGreedyPolicy

    /// Builds the agent, or throws ``TabularAgentError`` when a hyperparameter is out of range
    /// or the environment's observations cannot index a table.
    public init(config: QLearningConfig, environment: any Environment) throws {
        try config.validate()
        self.config = config
        self.environment = environment
        learner = try TabularControl(
            rule: .qLearning, environment: environment, gamma: config.gamma, learningRate: config.learningRate,
            learningRateDecay: config.learningRateDecay, exploration: config.exploration, epsilon: config.epsilon,
            explorationBonus: config.explorationBonus, stepsPerIteration: config.stepsPerIteration, seed: config.seed)
        greedy = QTableGreedyPolicy(table: learner.table, indexer: learner.indexer)
    }

    /// The factory the algorithm registry calls: ``init(config:environment:)``.
    public static func make(config: QLearningConfig, environment: any Environment) throws -> QLearningAgent {
        try QLearningAgent(config: config, environment: environment)
    }

    /// The learned action values and visit counts.
    public var qTable: QTable { learner.table }
    /// The driver stepping the environment with ``collectPolicy``: attach metrics or
    /// recorders to its observers, and train through ``trainIteration()``.
    public var driver: Driver { learner.driver }
    /// Greedy with respect to the Q-table (the lowest action on ties).
    public var policy: any Policy { greedy }
    /// The configured exploration policy.
    public var collectPolicy: any Policy { learner.driver.policy }
    /// Environment steps taken since training began (across resumes).
    public var environmentSteps: Int { learner.driver.totalSteps }
    /// Iterations completed since training began (across resumes).
    public var iterations: Int { learner.iterations }
    /// Updates applied so far: the `t` of the learning-rate schedule.
    public var updates: Int { learner.updates }
    /// α for the next update.
    public var currentLearningRate: Double { learner.currentLearningRate }
    /// ε for the next action (used only by epsilon-greedy exploration).
    public var currentEpsilon: Double { learner.currentEpsilon }

    /// Takes ``QLearningConfig/stepsPerIteration`` steps, updating after each. Reports the
    /// finished episodes, `losses/td_loss` (mean squared TD error), `losses/q_values` (mean
    /// Q(s, a) before update), `charts/learning_rate` and, for ε-greedy, `charts/epsilon`.
    public func trainIteration() throws -> IterationReport {
        try learner.trainIteration()
    }

    /// Q-values as the `q_values` tensor; visit counts, counters, the driver's generator and
    /// the configuration as JSON.
    public func checkpoint() throws -> AgentCheckpoint {
        var checkpoint = try learner.checkpoint()
        try checkpoint.encode(config, forKey: "config")
        return checkpoint
    }

    /// Restores a checkpoint of this algorithm written with the same configuration and
    /// environment spaces; throws ``AgentCheckpointError`` naming what differs.
    public func restore(from checkpoint: AgentCheckpoint) throws {
        try TabularControl.checkConfiguration(config, in: checkpoint)
        try learner.restore(from: checkpoint)
    }
}
