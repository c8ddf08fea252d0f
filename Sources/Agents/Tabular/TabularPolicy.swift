import Environments
import Randomness

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A policy of a ``TabularMDP`` written out as a table: `probabilities[s][a]` is π(a | s).
///
/// Deterministic policies are one-hot rows (``init(actions:actionCount:)``); the planners
/// return their greedy policies as action lists, and ``greedy(qValues:)`` turns Q-values
/// into one. To run a table in an environment, wrap it in a ``StateIndexedPolicy``.
public struct TabularPolicy: Sendable, Hashable, Codable {
    /// π(a | s), one row per state; every row sums to 1.
    public let probabilities: [[Double]]

    /// A stochastic policy. Stops the program with a message when the rows are ragged, have
    /// a negative entry or do not sum to 1 (within 1e-9).
    public init(probabilities: [[Double]]) {
        precondition(!probabilities.isEmpty, "TabularPolicy: needs at least one state")
        let actionCount = probabilities[0].count
        for (s, row) in probabilities.enumerated() {
            precondition(row.count == actionCount && actionCount > 0,
                         "TabularPolicy: row \(s) has \(row.count) actions, row 0 has \(actionCount)")
            precondition(row.allSatisfy { $0 >= 0 } && abs(row.reduce(0, +) - 1) < 1e-9,
                         "TabularPolicy: row \(s) must be non-negative and sum to 1, got \(row)")
        }
        self.probabilities = probabilities
    }

    /// The deterministic policy taking `actions[s]` in state `s`.
    public init(actions: [Int], actionCount: Int) {
        precondition(actions.allSatisfy { (0..<actionCount).contains($0) },
                     "TabularPolicy: actions \(actions) must lie in 0..<\(actionCount)")
        self.init(probabilities: actions.map { action in
            (0..<actionCount).map { $0 == action ? 1 : 0 }
        })
    }

    /// The uniformly random policy over the actions possible in each state of `mdp` (over
    /// all actions where none is possible, states only entered by ending the episode).
    public static func uniform(over mdp: TabularMDP) -> TabularPolicy {
        TabularPolicy(probabilities: (0..<mdp.stateCount).map { s in
            let possible = mdp.possibleActions(in: s)
            let support = possible.isEmpty ? Array(0..<mdp.actionCount) : possible
            var row = [Double](repeating: 0, count: mdp.actionCount)
            for a in support { row[a] = 1 / Double(support.count) }
            return row
        })
    }

    /// The deterministic policy choosing the largest Q-value in each row (the lowest action
    /// on ties, as NumPy's `argmax`; −∞ marks an impossible action, and a row of −∞ only,
    /// a state without possible actions, gets action 0).
    public static func greedy(qValues: [[Double]]) -> TabularPolicy {
        precondition(!qValues.isEmpty, "TabularPolicy.greedy: needs at least one state")
        return TabularPolicy(actions: qValues.map(argmax), actionCount: qValues[0].count)
    }

    /// The number of states.
    public var stateCount: Int { probabilities.count }
    /// The number of actions.
    public var actionCount: Int { probabilities[0].count }

    /// The action of every state when the policy is deterministic; nil otherwise.
    public var actions: [Int]? {
        var actions: [Int] = []
        actions.reserveCapacity(stateCount)
        for row in probabilities {
            guard let action = row.firstIndex(of: 1) else { return nil }
            actions.append(action)
        }
        return actions
    }

    /// An action drawn from π(· | `state`) with one uniform number (inverse CDF).
    public func action(in state: Int, using generator: inout RandomGenerator) -> Int {
        let row = probabilities[state]
        let u = generator.uniformDouble()
        var cumulative = 0.0
        var last = 0
        for (a, p) in row.enumerated() where p > 0 {
            cumulative += p
            last = a
            if u < cumulative { return a }
        }
        return last
    }
}

/// Runs a ``TabularPolicy`` in an environment: the observation is turned into a row with a
/// ``TabularStateIndexer`` and the action drawn from that row (what TD(0) evaluation and
/// the sampling of planned policies need).
public final class StateIndexedPolicy: Policy {
    /// The action probabilities, one row per observation.
    public let table: TabularPolicy
    /// Turns observations into rows and columns into actions.
    public let indexer: TabularStateIndexer
    /// The environment's discrete action space.
    public var actionSpace: Space { .discrete(indexer.actionCount, start: indexer.actionStart) }

    /// Throws ``TabularAgentError/notTabular(environment:reason:)`` when the table does not
    /// have one row per observation and one column per action of the indexer.
    public init(_ table: TabularPolicy, indexer: TabularStateIndexer) throws {
        guard table.stateCount == indexer.stateCount, table.actionCount == indexer.actionCount else {
            throw TabularAgentError.notTabular(environment: "the environment", reason:
                "the policy table is \(table.stateCount) states × \(table.actionCount) actions, the spaces "
                + "\(indexer.stateCount) × \(indexer.actionCount)")
        }
        self.table = table
        self.indexer = indexer
    }

    /// The policy over `environment`'s spaces.
    public convenience init(_ table: TabularPolicy, environment: any Environment) throws {
        try self.init(table, indexer: TabularStateIndexer(environment: environment))
    }

    /// An action drawn from the observation's row, with its log-probability.
    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        let s = try indexer.index(of: timeStep.observation)
        let a = table.action(in: s, using: &generator)
        return PolicyStep(action: indexer.action(a), state: state,
                          info: PolicyInfo(logProbability: log(table.probabilities[s][a])))
    }
}
