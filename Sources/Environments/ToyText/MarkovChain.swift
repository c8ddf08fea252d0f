import Randomness

/// A finite Markov chain: states and transition probabilities, no actions, no rewards.
///
/// ``textbook`` is the four-state chain of Géron, *Hands-On Machine Learning* (ch. 18,
/// "Markov Chains"), whose state 3 is terminal; ``simulate(from:steps:using:)`` produces the
/// sample runs the book prints. As an environment (`MarkovChain-v0`) it has one no-op action
/// (`Discrete(1)`), reward 0, starts in state 0 and terminates on entering a terminal
/// state; from the book's chain that happens with probability 1 (each visit to state 0 or 1
/// ends the run with probability 0.1), so it is registered without a step limit.
public struct MarkovChain: Sendable, Hashable {
    /// `transitionMatrix[s][s']`: the probability of moving from `s` to `s'`; rows sum to 1.
    public let transitionMatrix: [[Double]]
    /// States where a run stops.
    public let terminalStates: Set<Int>

    /// A chain from its matrix. Stops the program with a message when the matrix is not
    /// square, has a negative entry, or a row that does not sum to 1 (within 1e-9).
    public init(transitionMatrix: [[Double]], terminalStates: Set<Int> = []) {
        let n = transitionMatrix.count
        precondition(n > 0, "MarkovChain: needs at least one state")
        for (s, row) in transitionMatrix.enumerated() {
            precondition(row.count == n, "MarkovChain: row \(s) has \(row.count) entries for \(n) states")
            precondition(row.allSatisfy { $0 >= 0 } && abs(row.reduce(0, +) - 1) < 1e-9,
                         "MarkovChain: row \(s) must be non-negative and sum to 1, got \(row)")
        }
        precondition(terminalStates.allSatisfy { (0..<n).contains($0) }, "MarkovChain: terminal states \(terminalStates.sorted()) outside 0..<\(n)")
        self.transitionMatrix = transitionMatrix
        self.terminalStates = terminalStates
    }

    /// The book's chain: from state 0 stay (0.7), go to 1 (0.2) or end (0.1); from 1 go to 2
    /// (0.9) or end (0.1); from 2 always back to 1; state 3 is terminal.
    public static let textbook = MarkovChain(transitionMatrix: [
        [0.7, 0.2, 0.0, 0.1],
        [0.0, 0.0, 0.9, 0.1],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
    ], terminalStates: [3])

    /// The number of states.
    public var stateCount: Int { transitionMatrix.count }

    /// A state drawn from row `state` of the matrix (the first whose cumulative probability
    /// exceeds a uniform number, as `np.random.choice`).
    public func nextState(after state: Int, using generator: inout RandomGenerator) -> Int {
        let row = transitionMatrix[state]
        return TabularMDP.categoricalIndex(row.count, uniform: generator.uniformDouble()) { row[$0] }
    }

    /// A sample run: `start`, then up to `steps` further states, stopping early after the
    /// first terminal state (the book's `print_sequence` with `n_max_steps`). A run that
    /// starts in a terminal state is just `[start]`.
    public func simulate(from start: Int, steps: Int, using generator: inout RandomGenerator) -> [Int] {
        precondition((0..<stateCount).contains(start), "MarkovChain: start state \(start) outside 0..<\(stateCount)")
        var run = [start]
        var state = start
        while run.count <= steps && !terminalStates.contains(state) {
            state = nextState(after: state, using: &generator)
            run.append(state)
        }
        return run
    }

    /// The chain as an MDP with one no-op action and reward 0, starting in `initialState`;
    /// entering a terminal state terminates.
    public func mdp(initialState: Int = 0) -> TabularMDP {
        var start = [Double](repeating: 0, count: stateCount)
        start[initialState] = 1
        return TabularMDP(transitionProbabilities: transitionMatrix.map { [$0] },
                          rewards: transitionMatrix.map { [[Double](repeating: 0, count: $0.count)] },
                          terminalStates: terminalStates, initialStateDistribution: start)
    }

    /// `MarkovChain-v0`: the book's chain from state 0, action space `Discrete(1)`, no step
    /// limit, no reward threshold.
    public static let specs: [EnvironmentSpec] = [
        EnvironmentSpec(id: "MarkovChain-v0", rewardThreshold: nil, maxEpisodeSteps: nil,
                        summary: "the 4-state Markov chain of Hands-On ML ch. 18 (one no-op action; state 3 terminal)") { options in
            try TabularMDPEnvironment(mdp: textbook.mdp(), id: "MarkovChain-v0", renderMode: try options.renderMode())
        },
    ]
}
