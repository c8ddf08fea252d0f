import Environments

/// Exact evaluation and exhaustive search of memoryless policies that see only an
/// observation of the state of a ``TabularMDP``: the agent in state s observes
/// `observationOf[s]` and acts with probabilities `π(a | observationOf[s])`. Where two states
/// look alike (Silver's aliased grid world, ``AliasedGridWorld``), the best such policy can
/// be stochastic, and enumerating every deterministic one shows how much is lost without
/// randomness.
public enum MemorylessPolicyEvaluation {
    /// What a policy achieves over a finite horizon.
    public struct Result: Sendable, Equatable {
        /// `E[Σ_{t<H} γ^t r_t]` from the MDP's initial state distribution.
        public var expectedReturn: Double
        /// `terminationProbability[s]`: the probability that the episode terminates within the
        /// horizon by entering state s.
        public var terminationProbability: [Double]
        /// The probability that the episode is still running after the horizon (truncated).
        public var truncationProbability: Double
    }

    /// Propagates the state distribution for `horizon` steps (a ``TimeLimit``'s limit) under
    /// the policy `actionProbabilities[o][a]` for observation `o`; `observationOf[s]` is the
    /// observation of state s. Actions not possible in a state must have probability 0 there.
    public static func evaluate(mdp: TabularMDP, observationOf: [Int], actionProbabilities: [Int: [Double]],
                                horizon: Int, gamma: Double = 1) -> Result {
        precondition(observationOf.count == mdp.stateCount,
                     "MemorylessPolicyEvaluation: \(observationOf.count) observations for \(mdp.stateCount) states")
        precondition(horizon >= 0, "MemorylessPolicyEvaluation: horizon must be non-negative, got \(horizon)")
        var distribution = mdp.initialStateDistribution
        var terminated = [Double](repeating: 0, count: mdp.stateCount)
        var expectedReturn = 0.0
        var discount = 1.0
        for _ in 0..<horizon {
            var next = [Double](repeating: 0, count: mdp.stateCount)
            for s in 0..<mdp.stateCount where distribution[s] > 0 {
                guard let probabilities = actionProbabilities[observationOf[s]] else {
                    fatalError("MemorylessPolicyEvaluation: no action probabilities for observation \(observationOf[s]) of state \(s)")
                }
                precondition(probabilities.count == mdp.actionCount,
                             "MemorylessPolicyEvaluation: \(probabilities.count) action probabilities for \(mdp.actionCount) actions")
                for (a, p) in probabilities.enumerated() where p > 0 {
                    let outcomes = mdp.outcomes[s][a]
                    precondition(!outcomes.isEmpty, "MemorylessPolicyEvaluation: action \(a) is not possible in state \(s)")
                    for outcome in outcomes {
                        let mass = distribution[s] * p * outcome.probability
                        expectedReturn += discount * mass * outcome.reward
                        if outcome.terminated { terminated[outcome.nextState] += mass } else { next[outcome.nextState] += mass }
                    }
                }
            }
            distribution = next
            discount *= gamma
        }
        return Result(expectedReturn: expectedReturn, terminationProbability: terminated,
                      truncationProbability: distribution.reduce(0, +))
    }

    /// The states the agent can act in: those it may start in and those reachable without
    /// the episode ending, under any sequence of possible actions.
    public static func reachableStates(of mdp: TabularMDP) -> [Int] {
        var seen = Set(mdp.initialStateDistribution.indices.filter { mdp.initialStateDistribution[$0] > 0 })
        var frontier = Array(seen)
        while let s = frontier.popLast() {
            for list in mdp.outcomes[s] {
                for outcome in list where !outcome.terminated && outcome.probability > 0 && !seen.contains(outcome.nextState) {
                    seen.insert(outcome.nextState)
                    frontier.append(outcome.nextState)
                }
            }
        }
        return seen.sorted()
    }

    /// Every deterministic memoryless policy, evaluated exactly: one action per observation
    /// seen in the reachable states, among the actions possible in all states with that
    /// observation. Returns them best first (ties in enumeration order), each as a map from
    /// observation to action with its ``Result``. There are `Π_o |actions(o)|` of them, so
    /// this is for small worlds (the aliased grid world has 4^4 = 256).
    public static func deterministicPolicies(mdp: TabularMDP, observationOf: [Int], horizon: Int,
                                             gamma: Double = 1) -> [(actions: [Int: Int], result: Result)] {
        let states = reachableStates(of: mdp)
        let observations = Array(Set(states.map { observationOf[$0] })).sorted()
        let choices = observations.map { o -> [Int] in
            let sharing = states.filter { observationOf[$0] == o }
            return (0..<mdp.actionCount).filter { a in sharing.allSatisfy { !mdp.outcomes[$0][a].isEmpty } }
        }
        precondition(choices.allSatisfy { !$0.isEmpty },
                     "MemorylessPolicyEvaluation: some observation has no action possible in all of its states")
        var results: [(actions: [Int: Int], result: Result)] = []
        var digits = [Int](repeating: 0, count: observations.count)
        while true {
            var actions: [Int: Int] = [:]
            var probabilities: [Int: [Double]] = [:]
            for (k, o) in observations.enumerated() {
                let a = choices[k][digits[k]]
                actions[o] = a
                var row = [Double](repeating: 0, count: mdp.actionCount)
                row[a] = 1
                probabilities[o] = row
            }
            results.append((actions, evaluate(mdp: mdp, observationOf: observationOf, actionProbabilities: probabilities,
                                              horizon: horizon, gamma: gamma)))
            // The next combination, as an odometer over the observations' choices.
            var k = 0
            while k < digits.count {
                digits[k] += 1
                if digits[k] < choices[k].count { break }
                digits[k] = 0
                k += 1
            }
            if k == digits.count { break }
        }
        return results.enumerated()
            .sorted { $0.element.result.expectedReturn != $1.element.result.expectedReturn
                ? $0.element.result.expectedReturn > $1.element.result.expectedReturn : $0.offset < $1.offset }
            .map(\.element)
    }
}
