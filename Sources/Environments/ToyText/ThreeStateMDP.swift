/// The three-state MDP of Géron, *Hands-On Machine Learning* (2nd/3rd ed., ch. 18, "Markov
/// Decision Processes"), the example of value iteration and Q-learning.
///
/// In state 0 action 0 earns +10 and mostly stays; in state 1 action 2 costs −50 and leads
/// to state 2, where action 1 earns +40 and mostly returns to state 0. Not every action is
/// possible everywhere: state 0 allows 0, 1, 2; state 1 allows 0, 2; state 2 allows only 1.
/// The task is continuing (no terminal state), episodes start in state 0 as the book does.
///
/// Registered as `ThreeStateMDP-v0` with no step limit, because the book runs it as one
/// endless stream (Q-learning for 10,000 steps); pass the `max_episode_steps` option to cut
/// it into episodes, which then end truncated, never terminated. Observations are
/// `Discrete(3)` state indices, actions `Discrete(3)`; an impossible action throws
/// ``EnvironmentError/invalidAction(id:reason:)`` naming the possible ones.
public enum ThreeStateMDP {
    /// The registered id.
    public static let id = "ThreeStateMDP-v0"

    /// The book's `transition_probabilities[s][a][s']`; nil where `a` is not possible in `s`.
    public static let transitionProbabilities: [[[Double]?]] = [
        [[0.7, 0.3, 0.0], [1.0, 0.0, 0.0], [0.8, 0.2, 0.0]],
        [[0.0, 1.0, 0.0], nil, [0.0, 0.0, 1.0]],
        [nil, [0.8, 0.1, 0.1], nil],
    ]

    /// The book's `rewards[s][a][s']`.
    public static let rewards: [[[Double]]] = [
        [[+10, 0, 0], [0, 0, 0], [0, 0, 0]],
        [[0, 0, 0], [0, 0, 0], [0, 0, -50]],
        [[0, 0, 0], [+40, 0, 0], [0, 0, 0]],
    ]

    /// The book's `possible_actions[s]`.
    public static let possibleActions: [[Int]] = [[0, 1, 2], [0, 2], [1]]

    /// The model, starting in state 0.
    public static let mdp = TabularMDP(transitionProbabilities: transitionProbabilities, rewards: rewards,
                                       initialStateDistribution: [1, 0, 0])

    /// A steppable instance. Throws when `renderMode` is not nil or `.ansi`.
    public static func makeEnvironment(renderMode: RenderMode? = nil) throws -> TabularMDPEnvironment {
        try TabularMDPEnvironment(mdp: mdp, id: id, renderMode: renderMode)
    }

    /// `ThreeStateMDP-v0`: no step limit, no reward threshold.
    public static let specs: [EnvironmentSpec] = [
        EnvironmentSpec(id: id, rewardThreshold: nil, maxEpisodeSteps: nil,
                        summary: "the 3-state MDP of Hands-On ML ch. 18 (continuing; T, R and possible actions public)") { options in
            try makeEnvironment(renderMode: try options.renderMode())
        },
    ]
}
