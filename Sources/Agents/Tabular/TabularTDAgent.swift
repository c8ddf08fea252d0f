import Environments

/// What ``QLearningAgent`` and ``SARSAAgent`` share: a Q-table learned by temporal
/// differences from every transition of the shared ``Driver``, a greedy evaluation policy,
/// and the counters of the step-size and ε schedules. Subclasses choose the update rule
/// and their configuration.
public class TabularTDAgent {
    /// The environment it trains in (the driver's only copy).
    public let environment: any Environment
    let learner: TabularControl
    private let greedy: QTableGreedyPolicy

    init(environment: any Environment, learner: TabularControl) {
        self.environment = environment
        self.learner = learner
        greedy = QTableGreedyPolicy(table: learner.table, indexer: learner.indexer)
    }

    /// The learned action values and visit counts.
    public var qTable: QTable { learner.table }
    /// The driver stepping the environment with ``collectPolicy``: attach metrics or
    /// recorders to its observers, and train through ``trainIteration()``.
    public var driver: Driver { learner.driver }
    /// Greedy with respect to the Q-table (the lowest action on ties).
    public var policy: any Policy { greedy }
    /// The exploration policy that collects experience.
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

    /// Takes the configured number of steps, updating after each. Reports the finished
    /// episodes, `losses/td_loss` (mean squared TD error), `losses/q_values` (mean Q(s, a)
    /// before update), `charts/learning_rate` and, for ε-greedy, `charts/epsilon`.
    public func trainIteration() throws -> IterationReport {
        try learner.trainIteration()
    }

    /// Q-values as the `q_values` tensor; visit counts, counters, the driver's generator and
    /// `config` as JSON.
    func checkpoint<Config: Codable>(with config: Config) throws -> AgentCheckpoint {
        var checkpoint = try learner.checkpoint()
        try checkpoint.encode(config, forKey: "config")
        return checkpoint
    }

    /// Restores a checkpoint written with the same configuration and environment spaces;
    /// throws ``AgentCheckpointError`` naming what differs.
    func restore<Config: Codable & Equatable>(from checkpoint: AgentCheckpoint, config: Config) throws {
        try TabularControl.checkConfiguration(config, in: checkpoint)
        try learner.restore(from: checkpoint)
    }
}
