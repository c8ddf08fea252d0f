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
public final class SARSAAgent: Agent {
    /// The name `swiftrl train` knows it by.
    public static let algorithmName = "sarsa"

    /// The hyperparameters it was built with.
    public let config: SARSAConfig
    /// The environment it trains in (the driver's only copy).
    public let environment: any Environment
    private let learner: TabularControl
    private let greedy: QTableGreedyPolicy

    /// Builds the agent, or throws ``TabularAgentError`` when a hyperparameter is out of range
    /// or the environment's observations cannot index a table.
    public init(config: SARSAConfig, environment: any Environment) throws {
        try config.validate()
        self.config = config
        self.environment = environment
        learner = try TabularControl(
            rule: .sarsa, environment: environment, gamma: config.gamma, learningRate: config.learningRate,
            learningRateDecay: config.learningRateDecay, exploration: .epsilonGreedy, epsilon: config.epsilon,
            explorationBonus: 0, stepsPerIteration: config.stepsPerIteration, seed: config.seed)
        greedy = QTableGreedyPolicy(table: learner.table, indexer: learner.indexer)
    }

    /// The factory the algorithm registry calls: ``init(config:environment:)``.
    public static func make(config: SARSAConfig, environment: any Environment) throws -> SARSAAgent {
        try SARSAAgent(config: config, environment: environment)
    }

    /// The learned action values and visit counts.
    public var qTable: QTable { learner.table }
    /// The driver stepping the environment with ``collectPolicy``: attach metrics or
    /// recorders to its observers, and train through ``trainIteration()``.
    public var driver: Driver { learner.driver }
    /// Greedy with respect to the Q-table (the lowest action on ties).
    public var policy: any Policy { greedy }
    /// The ε-greedy policy SARSA learns the values of.
    public var collectPolicy: any Policy { learner.driver.policy }
    /// Environment steps taken since training began (across resumes).
    public var environmentSteps: Int { learner.driver.totalSteps }
    /// Iterations completed since training began (across resumes).
    public var iterations: Int { learner.iterations }
    /// Updates applied so far: the `t` of the learning-rate schedule.
    public var updates: Int { learner.updates }
    /// α for the next update.
    public var currentLearningRate: Double { learner.currentLearningRate }
    /// ε for the next action.
    public var currentEpsilon: Double { learner.currentEpsilon }

    /// Takes ``SARSAConfig/stepsPerIteration`` steps. Reports the finished episodes,
    /// `losses/td_loss`, `losses/q_values`, `charts/learning_rate` and `charts/epsilon`.
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
