import Networks

/// The hyperparameters of ``QLearningAgent``. The defaults find an optimal policy of
/// FrozenLake-v1 (slippery 4x4) within 50,000 steps on most seeds (9 of 10 measured; with α
/// still near 0.1 the greedy policy can later swap near-equal actions) and the optimal path
/// of CliffWalking-v1. ``handsOnML`` is the book's setting for its three-state MDP.
public struct QLearningConfig: Codable, Sendable, Equatable {
    /// α0, the step size of the first update.
    public var learningRate: Double
    /// The power-scheduling decay: update t uses `α0 / (1 + t · learningRateDecay)`
    /// (0 keeps α constant).
    public var learningRateDecay: Double
    /// The discount factor γ.
    public var gamma: Double
    /// How the collect policy explores.
    public var exploration: TabularExploration
    /// ε as a function of the environment steps taken, for `epsilon-greedy` exploration.
    public var epsilon: LearningRateSchedule
    /// `k` of the exploration function `f(Q, N) = Q + k / (1 + N)`, for `count-based`
    /// exploration. It must outweigh the differences between Q-values for long enough to try
    /// every action: the default 5 suits FrozenLake's 0–1 returns (1 leaves some seeds stuck);
    /// scale it with the returns.
    public var explorationBonus: Double
    /// Environment steps per training iteration; the episode in progress at the end of an
    /// iteration is cut there as by a time limit, so keep this well above the episode length.
    public var stepsPerIteration: Int
    /// Seeds the exploration and the environment's episodes.
    public var seed: UInt64

    public init(learningRate: Double = 0.1, learningRateDecay: Double = 1e-5, gamma: Double = 0.99,
                exploration: TabularExploration = .epsilonGreedy,
                epsilon: LearningRateSchedule = .linear(from: 1, to: 0.05, steps: 50_000),
                explorationBonus: Double = 5, stepsPerIteration: Int = 10_000, seed: UInt64 = 0) {
        self.learningRate = learningRate
        self.learningRateDecay = learningRateDecay
        self.gamma = gamma
        self.exploration = exploration
        self.epsilon = epsilon
        self.explorationBonus = explorationBonus
        self.stepsPerIteration = stepsPerIteration
        self.seed = seed
    }

    /// *Hands-On Machine Learning* (ch. 18): α0 = 0.05 decaying by 0.005 per step, γ = 0.90,
    /// random exploration; on the book's three-state MDP 10,000 steps reach the Q-values
    /// of Q-value iteration.
    public static let handsOnML = QLearningConfig(learningRate: 0.05, learningRateDecay: 0.005, gamma: 0.90,
                                                  exploration: .random)

    /// Throws ``TabularAgentError/invalidConfiguration(field:reason:)`` for the first field out of range.
    public func validate() throws {
        try TabularConfigCheck.learningRate(learningRate, decay: learningRateDecay)
        try TabularConfigCheck.gamma(gamma)
        try TabularConfigCheck.epsilon(epsilon)
        guard explorationBonus >= 0, explorationBonus.isFinite else {
            throw TabularAgentError.invalidConfiguration(field: "explorationBonus", reason:
                "must be a finite number ≥ 0, got \(explorationBonus); Géron's k is typically around the reward scale")
        }
        try TabularConfigCheck.stepsPerIteration(stepsPerIteration)
    }
}

/// Range checks the tabular configurations share.
enum TabularConfigCheck {
    static func learningRate(_ rate: Double, decay: Double) throws {
        guard rate > 0, rate <= 1 else {
            throw TabularAgentError.invalidConfiguration(field: "learningRate", reason: "must lie in (0, 1], got \(rate)")
        }
        guard decay >= 0, decay.isFinite else {
            throw TabularAgentError.invalidConfiguration(field: "learningRateDecay", reason:
                "must be a finite number ≥ 0 (0 keeps the learning rate constant), got \(decay)")
        }
    }

    static func gamma(_ gamma: Double) throws {
        guard gamma >= 0, gamma <= 1 else {
            throw TabularAgentError.invalidConfiguration(field: "gamma", reason: "must lie in [0, 1], got \(gamma)")
        }
    }

    static func epsilon(_ schedule: LearningRateSchedule) throws {
        // Schedules are monotone or piecewise constant, so their extreme values sit at step 0,
        // at a boundary or in the limit; checking those catches an ε outside [0, 1].
        var probes = [0, 1, 1_000_000_000]
        switch schedule {
        case let .linear(_, _, steps): probes.append(steps)
        case let .polynomialDecay(_, decaySteps, _, _): probes.append(decaySteps)
        case let .piecewiseConstant(boundaries, values):
            guard values.count == boundaries.count + 1 else {
                throw TabularAgentError.invalidConfiguration(field: "epsilon", reason:
                    "a piecewise-constant schedule needs one more value than boundaries, got \(values.count) and \(boundaries.count)")
            }
            probes += boundaries.map { max($0, 0) } + boundaries.map { max($0 + 1, 0) }
        case let .power(_, steps, _) where steps <= 0:
            throw TabularAgentError.invalidConfiguration(field: "epsilon", reason: "a power schedule needs steps > 0, got \(steps)")
        case let .exponential(_, decaySteps, _, _) where decaySteps <= 0:
            throw TabularAgentError.invalidConfiguration(field: "epsilon", reason: "an exponential schedule needs decaySteps > 0, got \(decaySteps)")
        default: break
        }
        for step in probes {
            let value = schedule.value(at: max(step, 0))
            guard value >= 0, value <= 1 else {
                throw TabularAgentError.invalidConfiguration(field: "epsilon", reason:
                    "ε must stay in [0, 1], but the schedule gives \(value) at step \(step)")
            }
        }
    }

    static func stepsPerIteration(_ steps: Int) throws {
        guard steps > 0 else {
            throw TabularAgentError.invalidConfiguration(field: "stepsPerIteration", reason: "must be positive, got \(steps)")
        }
    }
}
