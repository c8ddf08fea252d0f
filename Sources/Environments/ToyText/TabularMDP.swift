import Randomness

/// A finite Markov decision process, complete: what planners (value iteration, Q-value
/// iteration, policy iteration) need, and what the tabular environments sample from.
///
/// The model is stored as Gymnasium stores it in `env.unwrapped.P`: for each state and
/// action, a list of ``TabularTransition`` outcomes (probability, next state, reward,
/// terminated). Lists keep Gymnasium's order, duplicates included (slippery FrozenLake in
/// a corner lists the same next state twice), so sampling an outcome with the same uniform
/// number picks the same entry as Gymnasium's `categorical_sample`.
///
/// Textbook planners use dense arrays instead (Géron, *Hands-On Machine Learning*, ch. 18):
/// ``transitionProbabilities`` `T[s][a][s']` and ``rewards`` `R[s][a][s']` are derived views,
/// and ``init(transitionProbabilities:rewards:terminalStates:initialStateDistribution:)``
/// builds the model from them.
///
/// An action that is not possible in a state has no outcomes (the book's `None` rows);
/// ``possibleActions(in:)`` lists the others. Episodes end on outcomes whose `terminated`
/// flag is set; planners must not bootstrap from their next state (see ``actionValue(of:_:values:gamma:)``).
public struct TabularMDP: Sendable, Hashable {
    /// The number of states; states are `0 ..< stateCount`.
    public let stateCount: Int
    /// The number of actions; actions are `0 ..< actionCount`, though not every action is
    /// possible in every state.
    public let actionCount: Int
    /// `outcomes[s][a]`: Gymnasium's `P[s][a]`; empty when `a` is not possible in `s`.
    public let outcomes: [[[TabularTransition]]]
    /// The probability of starting in each state (Gymnasium's `initial_state_distrib`).
    public let initialStateDistribution: [Double]

    /// A model from Gymnasium-style outcome lists. Stops the program with a message when the
    /// tables are inconsistent: ragged, probabilities negative or not summing to 1 (within
    /// 1e-9), next states out of range, or a state that can be entered without ending the
    /// episode (or started in) that has no possible action.
    public init(outcomes: [[[TabularTransition]]], initialStateDistribution: [Double]) {
        let stateCount = outcomes.count
        let actionCount = outcomes.first?.count ?? 0
        precondition(stateCount > 0 && actionCount > 0, "TabularMDP: needs at least one state and one action")
        precondition(initialStateDistribution.count == stateCount,
                     "TabularMDP: initialStateDistribution has \(initialStateDistribution.count) entries for \(stateCount) states")
        precondition(initialStateDistribution.allSatisfy { $0 >= 0 } && abs(initialStateDistribution.reduce(0, +) - 1) < 1e-9,
                     "TabularMDP: initialStateDistribution must be non-negative and sum to 1, got \(initialStateDistribution)")
        var mustAct = Set(initialStateDistribution.indices.filter { initialStateDistribution[$0] > 0 })
        for (s, row) in outcomes.enumerated() {
            precondition(row.count == actionCount, "TabularMDP: state \(s) has \(row.count) actions, state 0 has \(actionCount)")
            for (a, list) in row.enumerated() where !list.isEmpty {
                let total = list.reduce(0) { $0 + $1.probability }
                precondition(list.allSatisfy { $0.probability >= 0 } && abs(total - 1) < 1e-9,
                             "TabularMDP: probabilities of state \(s), action \(a) must be non-negative and sum to 1, got \(list.map(\.probability))")
                for outcome in list {
                    precondition((0..<stateCount).contains(outcome.nextState),
                                 "TabularMDP: state \(s), action \(a) leads to state \(outcome.nextState), outside 0..<\(stateCount)")
                    if !outcome.terminated && outcome.probability > 0 { mustAct.insert(outcome.nextState) }
                }
            }
        }
        for s in mustAct.sorted() {
            precondition(outcomes[s].contains { !$0.isEmpty },
                         "TabularMDP: state \(s) can be reached without ending the episode but has no possible action")
        }
        self.stateCount = stateCount
        self.actionCount = actionCount
        self.outcomes = outcomes
        self.initialStateDistribution = initialStateDistribution
    }

    /// A model from the textbook's dense arrays: `transitionProbabilities[s][a]` is the
    /// distribution over next states, or nil when `a` is not possible in `s`;
    /// `rewards[s][a][s']` is the reward of that transition. Outcomes list the next states
    /// of positive probability in increasing order; entering a state of `terminalStates`
    /// ends the episode.
    public init(transitionProbabilities: [[[Double]?]], rewards: [[[Double]]], terminalStates: Set<Int> = [],
                initialStateDistribution: [Double]) {
        let stateCount = transitionProbabilities.count
        precondition(rewards.count == stateCount, "TabularMDP: rewards has \(rewards.count) states, transitionProbabilities \(stateCount)")
        let outcomes = transitionProbabilities.enumerated().map { s, row -> [[TabularTransition]] in
            precondition(rewards[s].count == row.count, "TabularMDP: rewards[\(s)] has \(rewards[s].count) actions, transitionProbabilities[\(s)] \(row.count)")
            return row.enumerated().map { a, distribution -> [TabularTransition] in
                guard let distribution else { return [] }
                precondition(distribution.count == stateCount && rewards[s][a].count == stateCount,
                             "TabularMDP: row [\(s)][\(a)] must have \(stateCount) entries")
                return distribution.indices.filter { distribution[$0] > 0 }.map { next in
                    TabularTransition(probability: distribution[next], nextState: next, reward: rewards[s][a][next],
                                      terminated: terminalStates.contains(next))
                }
            }
        }
        self.init(outcomes: outcomes, initialStateDistribution: initialStateDistribution)
    }

    /// The outcomes of taking `action` in `state` (Gymnasium's `P[state][action]`); empty when
    /// the action is not possible there.
    @inlinable
    public func transitions(from state: Int, action: Int) -> [TabularTransition] {
        outcomes[state][action]
    }

    /// The actions that have outcomes in `state`, in increasing order.
    public func possibleActions(in state: Int) -> [Int] {
        outcomes[state].indices.filter { !outcomes[state][$0].isEmpty }
    }

    /// The states whose entry ends an episode: the next states of terminating outcomes.
    public var terminalStates: Set<Int> {
        Set(outcomes.lazy.flatMap { $0.lazy.flatMap { $0 } }.filter(\.terminated).map(\.nextState))
    }

    /// Dense `T[s][a][s']`: the probability of moving to `s'`, summed over duplicate
    /// outcomes; nil when `a` is not possible in `s`.
    public var transitionProbabilities: [[[Double]?]] {
        outcomes.map { row in
            row.map { list -> [Double]? in
                if list.isEmpty { return nil }
                var distribution = [Double](repeating: 0, count: stateCount)
                for outcome in list { distribution[outcome.nextState] += outcome.probability }
                return distribution
            }
        }
    }

    /// Dense `R[s][a][s']`: the expected reward of a transition from `s` to `s'` under `a`
    /// (outcomes that reach the same `s'` with different rewards, as slippery CliffWalking's
    /// cliff and wall bumps both returning to the start, are averaged by probability); 0 where
    /// the transition is impossible. With ``transitionProbabilities`` it gives the same
    /// expected rewards as ``outcomes``.
    public var rewards: [[[Double]]] {
        outcomes.map { row in
            row.map { list -> [Double] in
                var mass = [Double](repeating: 0, count: stateCount)
                var weighted = [Double](repeating: 0, count: stateCount)
                for outcome in list {
                    mass[outcome.nextState] += outcome.probability
                    weighted[outcome.nextState] += outcome.probability * outcome.reward
                }
                return zip(weighted, mass).map { $1 > 0 ? $0 / $1 : 0 }
            }
        }
    }

    /// The Bellman backup `Σ p · (r + γ · (terminated ? 0 : values[s']))` of `action` in
    /// `state`: the one-step look-ahead of value iteration and policy evaluation.
    public func actionValue(of state: Int, _ action: Int, values: [Double], gamma: Double) -> Double {
        var total = 0.0
        for outcome in outcomes[state][action] {
            total += outcome.probability * (outcome.reward + (outcome.terminated ? 0 : gamma * values[outcome.nextState]))
        }
        return total
    }

    /// Samples an outcome of `action` in `state` as Gymnasium's `categorical_sample` does:
    /// the first entry whose cumulative probability exceeds a uniform number in [0, 1).
    /// The action must be possible in `state`.
    @inlinable
    public func sample(from state: Int, action: Int, using generator: inout RandomGenerator) -> TabularTransition {
        let list = outcomes[state][action]
        precondition(!list.isEmpty, "TabularMDP: action \(action) is not possible in state \(state)")
        return list[Self.categoricalIndex(list.count, uniform: generator.uniformDouble()) { list[$0].probability }]
    }

    /// Samples a start state from ``initialStateDistribution``, as Gymnasium's `reset`.
    public func sampleInitialState(using generator: inout RandomGenerator) -> Int {
        Self.categoricalIndex(stateCount, uniform: generator.uniformDouble()) { initialStateDistribution[$0] }
    }

    /// `np.argmax(np.cumsum(p) > u)`: the first index whose running sum exceeds `u`, or 0
    /// when rounding leaves every sum at or below `u` (NumPy's argmax of all-false).
    @inlinable
    static func categoricalIndex(_ count: Int, uniform u: Double, probability: (Int) -> Double) -> Int {
        var cumulative = 0.0
        for i in 0..<count {
            cumulative += probability(i)
            if cumulative > u { return i }
        }
        return 0
    }
}
