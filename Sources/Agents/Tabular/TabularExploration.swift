/// How a tabular learner chooses the actions it learns from (*Hands-On Machine Learning*,
/// ch. 18, "Exploration Policies").
public enum TabularExploration: String, Codable, Sendable, CaseIterable {
    /// Uniformly among the possible actions: the book's Q-learning example. Q-learning is
    /// off-policy, so it still learns the optimal Q-values.
    case random
    /// A random possible action with probability ε (the config's `epsilon` schedule of the
    /// environment step), otherwise a greedy one (ties broken at random).
    case epsilonGreedy = "epsilon-greedy"
    /// The action maximising Géron's exploration function `f(Q, N) = Q + k / (1 + N)`
    /// (eq. 18-6, `k` the config's `explorationBonus`), which also replaces `max Q` in the
    /// Q-learning target, so optimism about untried actions propagates back.
    case countBased = "count-based"
}

extension TabularExploration {
    /// Decodes the command-line name, naming the valid ones when it is not one of them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let value = TabularExploration(rawValue: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription:
                "'\(name)' is not an exploration; use \(Self.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
        }
        self = value
    }
}
