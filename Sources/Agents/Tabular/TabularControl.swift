import Environments
import Foundation
import Networks
import Randomness

/// The machinery ``QLearningAgent`` and ``SARSAAgent`` share: the table, the driver that
/// steps the environment with the exploration policy, and the observer that applies the
/// update rule to every transition.
///
/// Iterations take exactly `stepsPerIteration` steps and then end the episode in progress
/// as a time limit would (its last update bootstraps from the state it stopped in). The
/// driver cannot continue an episode from a checkpoint, so this is what makes a checkpoint
/// between iterations hold everything: a resumed run repeats the uninterrupted one exactly.
final class TabularControl {
    enum Rule {
        /// `Q(s, a) += α [r + γ max_a' Q(s', a') − Q(s, a)]` (Sutton & Barto eq. 6.8;
        /// with count-based exploration `max_a' f(Q, N)`, Géron eq. 18-6).
        case qLearning
        /// `Q(s, a) += α [r + γ Q(s', a') − Q(s, a)]` with `a'` the action taken next
        /// (Sutton & Barto eq. 6.7).
        case sarsa
    }

    /// A SARSA update waiting for the next action.
    private struct Pending {
        var state: Int
        var action: Int
        var reward: Double
        var nextState: Int
    }

    /// The counters a checkpoint stores beside the table and the driver.
    struct Counters: Codable {
        var iterations: Int
        var updates: Int
        var visitCounts: [Int]
    }

    let rule: Rule
    let indexer: TabularStateIndexer
    let table: QTable
    let gamma: Double
    let learningRate: Double
    let learningRateDecay: Double
    let exploration: TabularExploration
    let epsilon: LearningRateSchedule
    let explorationBonus: Double
    let stepsPerIteration: Int
    /// Where the possible actions come from when the model cannot say: the environment's
    /// own legal-action list, read in the state it is in.
    private let legalActionsSource: (any LegalActionsEnvironment)?
    private(set) var driver: Driver!
    private(set) var updates = 0
    private(set) var iterations = 0

    private var pending: Pending?
    private var runningReturn = 0.0
    private var runningLength = 0
    private var finished: [EpisodeSummary] = []
    private var squaredErrorSum = 0.0
    private var valueSum = 0.0
    private var iterationUpdates = 0

    init(rule: Rule, environment: any Environment, gamma: Double, learningRate: Double, learningRateDecay: Double,
         exploration: TabularExploration, epsilon: LearningRateSchedule, explorationBonus: Double,
         stepsPerIteration: Int, seed: UInt64) throws {
        let indexer = try TabularStateIndexer(environment: environment)
        self.rule = rule
        self.indexer = indexer
        self.gamma = gamma
        self.learningRate = learningRate
        self.learningRateDecay = learningRateDecay
        self.exploration = exploration
        self.epsilon = epsilon
        self.explorationBonus = explorationBonus
        self.stepsPerIteration = stepsPerIteration
        // When the observation is the model's state index, the model lists the possible
        // actions of every state up front (the book's -inf entries); otherwise the
        // environment is asked in each state the learner meets.
        if let tabular = environment.unwrapped as? any TabularEnvironment,
           case .discrete(tabular.mdp.stateCount, 0) = environment.observationSpace,
           indexer.actionCount == tabular.mdp.actionCount, indexer.actionStart == 0 {
            let mdp = tabular.mdp
            table = QTable(stateCount: indexer.stateCount, actionCount: indexer.actionCount,
                           possibleActions: { mdp.possibleActions(in: $0) })
            legalActionsSource = nil
        } else {
            table = QTable(stateCount: indexer.stateCount, actionCount: indexer.actionCount)
            legalActionsSource = environment.unwrapped as? any LegalActionsEnvironment
        }
        driver = Driver(environment: environment, policy: QTableExplorationPolicy(learner: self),
                        observers: [UpdateObserver(learner: self)], seed: seed)
    }

    /// ε for the next action.
    var currentEpsilon: Double { Double(epsilon.value(at: driver.totalSteps)) }

    /// α for the next update: power scheduling `α0 / (1 + t · decay)`, t the updates so far
    /// (*Hands-On Machine Learning*, ch. 18, Q-learning example).
    var currentLearningRate: Double { learningRate / (1 + Double(updates) * learningRateDecay) }

    /// Marks the actions the environment forbids in `state`, which it is in now.
    func noteLegalActions(in state: Int) {
        guard let source = legalActionsSource else { return }
        table.restrict(state, to: source.legalActions.compactMap { try? indexer.column(of: $0) })
    }

    /// Runs one iteration and reports it.
    func trainIteration() throws -> IterationReport {
        finished.removeAll()
        squaredErrorSum = 0
        valueSum = 0
        iterationUpdates = 0
        try driver.run(steps: stepsPerIteration)
        if driver.isInEpisode(0) {
            finishPending()
            try driver.run(episodes: 0)
        }
        runningReturn = 0
        runningLength = 0
        iterations += 1
        var scalars: [String: Double] = ["charts/learning_rate": currentLearningRate]
        if iterationUpdates > 0 {
            scalars["losses/td_loss"] = squaredErrorSum / Double(iterationUpdates)
            scalars["losses/q_values"] = valueSum / Double(iterationUpdates)
        }
        if exploration == .epsilonGreedy { scalars["charts/epsilon"] = currentEpsilon }
        return IterationReport(episodes: finished, scalars: scalars)
    }

    /// Applies the update rule to one transition.
    fileprivate func learn(from transition: Transition) throws {
        let s = try indexer.index(of: transition.observation)
        let a = try indexer.column(of: transition.action)
        let next = try indexer.index(of: transition.nextObservation)
        if !transition.terminated { noteLegalActions(in: next) }
        if transition.isFirst {
            // An episode left unfinished (the driver abandons episodes when asked for whole
            // ones) ends here as if truncated.
            finishPending()
            runningReturn = 0
            runningLength = 0
        }
        table.visitCounts[s * table.actionCount + a] += 1
        runningReturn += transition.reward
        runningLength += 1
        switch rule {
        case .qLearning:
            var bootstrap = 0.0
            if !transition.terminated {
                bootstrap = exploration == .countBased
                    ? table.mostPromisingAction(in: next, bonus: explorationBonus).value
                    : table.maxValue(in: next)
            }
            update(s, a, target: transition.reward + gamma * bootstrap)
        case .sarsa:
            if let pending {
                update(pending.state, pending.action, target: pending.reward + gamma * Double(table[s, a]))
            }
            if transition.terminated {
                update(s, a, target: transition.reward)
                pending = nil
            } else {
                pending = Pending(state: s, action: a, reward: transition.reward, nextState: next)
                if transition.truncated { finishPending() }
            }
        }
        if transition.isLast {
            finished.append(EpisodeSummary(episodeReturn: runningReturn, length: runningLength))
            runningReturn = 0
            runningLength = 0
        }
    }

    /// Applies a waiting SARSA update whose episode ends before the next action is drawn,
    /// bootstrapping from the ε-greedy policy's expected value (Expected SARSA, eq. 6.9),
    /// which equals SARSA's target in expectation.
    private func finishPending() {
        guard let pending else { return }
        update(pending.state, pending.action,
               target: pending.reward + gamma * table.epsilonGreedyValue(in: pending.nextState, epsilon: currentEpsilon))
        self.pending = nil
    }

    /// `Q(s, a) += α (target − Q(s, a))`, computed in double precision and stored as Float32.
    private func update(_ s: Int, _ a: Int, target: Double) {
        let i = s * table.actionCount + a
        let old = Double(table.values[i])
        let error = target - old
        table.values[i] = Float(old + currentLearningRate * error)
        updates += 1
        iterationUpdates += 1
        squaredErrorSum += error * error
        valueSum += old
    }

    /// The table, the counters and the driver's generator: everything the next iteration
    /// depends on.
    func checkpoint() throws -> AgentCheckpoint {
        var checkpoint = AgentCheckpoint(tensors: [(name: "q_values", tensor: table.tensor)])
        try checkpoint.encode(Counters(iterations: iterations, updates: updates, visitCounts: table.visitCounts), forKey: "counters")
        try checkpoint.encode(driver.snapshot, forKey: "driver")
        return checkpoint
    }

    func restore(from checkpoint: AgentCheckpoint) throws {
        let q = try checkpoint.tensor(named: "q_values")
        guard q.shape == [table.stateCount, table.actionCount] else {
            throw AgentCheckpointError.mismatch("its Q-table is \(q.shape), this environment needs [\(table.stateCount), \(table.actionCount)]")
        }
        let counters = try checkpoint.decode(Counters.self, forKey: "counters")
        guard counters.visitCounts.count == table.values.count else {
            throw AgentCheckpointError.mismatch("it has \(counters.visitCounts.count) visit counts for a table of \(table.values.count) entries")
        }
        try driver.restore(try checkpoint.decode(Driver.Snapshot.self, forKey: "driver"))
        table.values = q.scalars
        table.visitCounts = counters.visitCounts
        iterations = counters.iterations
        updates = counters.updates
        pending = nil
        runningReturn = 0
        runningLength = 0
    }

    /// Throws when the configuration stored in `checkpoint` under `config` differs from
    /// `config`, naming the fields that differ.
    static func checkConfiguration<Config: Codable & Equatable>(_ config: Config, in checkpoint: AgentCheckpoint) throws {
        let stored = try checkpoint.decode(Config.self, forKey: "config")
        guard stored != config else { return }
        let ours = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any] ?? [:]
        let theirs = try JSONSerialization.jsonObject(with: JSONEncoder().encode(stored)) as? [String: Any] ?? [:]
        func json(_ value: Any?) -> Data? {
            value.flatMap { try? JSONSerialization.data(withJSONObject: ["v": $0], options: [.sortedKeys]) }
        }
        let differing = Set(ours.keys).union(theirs.keys).sorted().filter { json(ours[$0]) != json(theirs[$0]) }
        throw AgentCheckpointError.mismatch("its configuration differs in \(differing.joined(separator: ", ")) "
            + "(stored: \(differing.map { "\($0) = \(theirs[$0].map { "\($0)" } ?? "nil")" }.joined(separator: ", ")))")
    }
}

/// Hands the driver's transitions to the learner (held unowned: the learner owns the driver).
private final class UpdateObserver: Observer {
    unowned let learner: TabularControl
    init(learner: TabularControl) { self.learner = learner }
    func observe(_ transition: Transition) throws { try learner.learn(from: transition) }
}
