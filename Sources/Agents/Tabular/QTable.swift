import Randomness
import Tensors

/// The table of action values `Q(s, a)` a tabular learner updates, with the number of
/// times each action was taken in each state.
///
/// Values are Float32, row-major `[state][action]`, so the table is exactly the `q_values`
/// tensor of a checkpoint. As in *Hands-On Machine Learning* (ch. 18), −∞ marks an action
/// that is impossible in its state: it is never the largest value, and explorers skip it.
public final class QTable {
    /// Rows: distinct observations.
    public let stateCount: Int
    /// Columns: distinct actions.
    public let actionCount: Int
    /// `Q(s, a)` at `s * actionCount + a`; −∞ for impossible actions.
    public internal(set) var values: [Float]
    /// `N(s, a)`: how often action `a` was taken in state `s`, at the same positions.
    public internal(set) var visitCounts: [Int]

    /// A table of zeros, with −∞ for the actions `possibleActions` leaves out of each state
    /// (all actions possible where it is nil).
    init(stateCount: Int, actionCount: Int, possibleActions: ((Int) -> [Int])? = nil) {
        self.stateCount = stateCount
        self.actionCount = actionCount
        values = [Float](repeating: 0, count: stateCount * actionCount)
        visitCounts = [Int](repeating: 0, count: stateCount * actionCount)
        if let possibleActions {
            for s in 0..<stateCount {
                let possible = possibleActions(s)
                // A state without possible actions is entered only by ending an episode; its
                // row stays 0 so that nothing reads −∞ as its value.
                guard !possible.isEmpty else { continue }
                for a in 0..<actionCount where !possible.contains(a) { values[s * actionCount + a] = -.infinity }
            }
        }
    }

    /// `Q(state, action)`.
    public subscript(state: Int, action: Int) -> Float {
        values[state * actionCount + action]
    }

    /// `N(state, action)`.
    public func visitCount(state: Int, action: Int) -> Int {
        visitCounts[state * actionCount + action]
    }

    /// The table as rows of Doubles, the form the planners and ``TabularPolicy/greedy(qValues:)`` use.
    public var rows: [[Double]] {
        (0..<stateCount).map { s in (0..<actionCount).map { Double(values[s * actionCount + $0]) } }
    }

    /// The values as a `[stateCount, actionCount]` tensor.
    public var tensor: Tensor { Tensor(shape: [stateCount, actionCount], scalars: values) }

    /// The actions not marked impossible in `state`, in increasing order.
    public func possibleActions(in state: Int) -> [Int] {
        (0..<actionCount).filter { values[state * actionCount + $0] != -.infinity }
    }

    /// The action of largest value in `state` (the lowest on ties, as NumPy's `argmax`).
    public func greedyAction(in state: Int) -> Int {
        let base = state * actionCount
        var best = 0
        for a in 1..<actionCount where values[base + a] > values[base + best] { best = a }
        return best
    }

    /// An action of largest value in `state`, drawn uniformly among the ties (one draw, and
    /// only when there is a tie). A zero-initialised table is all ties until rewards arrive,
    /// and always taking the lowest action then walks into the same wall every episode.
    func greedyAction(in state: Int, breakingTiesWith generator: inout RandomGenerator) -> Int {
        let base = state * actionCount
        let best = values[base + greedyAction(in: state)]
        var ties = 0
        for a in 0..<actionCount where values[base + a] == best { ties += 1 }
        guard ties > 1 else { return greedyAction(in: state) }
        var k = generator.int(below: ties)
        for a in 0..<actionCount where values[base + a] == best {
            if k == 0 { return a }
            k -= 1
        }
        return greedyAction(in: state)
    }

    /// `max_a Q(state, a)`; 0 when every action is impossible.
    public func maxValue(in state: Int) -> Double {
        let best = values[state * actionCount + greedyAction(in: state)]
        return best == -.infinity ? 0 : Double(best)
    }

    /// Géron's exploration function (*Hands-On Machine Learning*, ch. 18, eq. 18-6):
    /// `f(Q, N) = Q + k / (1 + N)`, optimistic about actions tried rarely.
    public func explorationValue(state: Int, action: Int, bonus: Double) -> Double {
        let i = state * actionCount + action
        return Double(values[i]) + bonus / (1 + Double(visitCounts[i]))
    }

    /// The action maximising ``explorationValue(state:action:bonus:)`` among the possible ones
    /// (the lowest on ties) and that maximum.
    public func mostPromisingAction(in state: Int, bonus: Double) -> (action: Int, value: Double) {
        let base = state * actionCount
        var best = -1, bestValue = -Double.infinity
        for a in 0..<actionCount where values[base + a] != -.infinity {
            let value = explorationValue(state: state, action: a, bonus: bonus)
            if best < 0 || value > bestValue { (best, bestValue) = (a, value) }
        }
        return best < 0 ? (0, 0) : (best, bestValue)
    }

    /// The number of actions not marked impossible in `state`.
    func possibleCount(in state: Int) -> Int {
        let base = state * actionCount
        var count = 0
        for a in 0..<actionCount where values[base + a] != -.infinity { count += 1 }
        return count
    }

    /// The `k`-th (from 0) action not marked impossible in `state`.
    func possibleAction(_ k: Int, in state: Int) -> Int {
        let base = state * actionCount
        var seen = 0
        for a in 0..<actionCount where values[base + a] != -.infinity {
            if seen == k { return a }
            seen += 1
        }
        return greedyAction(in: state)
    }

    /// The expected value of the ε-greedy policy in `state`: `ε · mean_a Q + (1 − ε) · max_a Q`
    /// over the possible actions (Expected SARSA's target, Sutton & Barto eq. 6.9).
    func epsilonGreedyValue(in state: Int, epsilon: Double) -> Double {
        let count = possibleCount(in: state)
        guard count > 0 else { return 0 }
        let base = state * actionCount
        var sum = 0.0
        for a in 0..<actionCount where values[base + a] != -.infinity { sum += Double(values[base + a]) }
        return epsilon * sum / Double(count) + (1 - epsilon) * maxValue(in: state)
    }

    /// Marks the actions outside `legal` impossible in `state`.
    func restrict(_ state: Int, to legal: [Int]) {
        guard !legal.isEmpty else { return }
        for a in 0..<actionCount where !legal.contains(a) { values[state * actionCount + a] = -.infinity }
    }
}
