import Networks

/// The hyperparameters of ``SARSAAgent``, named as in ``QLearningConfig``; SARSA always
/// explores ε-greedily, since it learns the values of the policy it follows.
public struct SARSAConfig: Codable, Sendable, Equatable {
    /// α0, the step size of the first update.
    public var learningRate: Double
    /// Update t uses `α0 / (1 + t · learningRateDecay)` (0 keeps α constant).
    public var learningRateDecay: Double
    /// The discount factor γ.
    public var gamma: Double
    /// ε as a function of the environment steps taken.
    public var epsilon: LearningRateSchedule
    /// Environment steps per training iteration; the episode in progress at the end of an
    /// iteration is cut there as by a time limit, so keep this well above the episode length.
    public var stepsPerIteration: Int
    /// Seeds the exploration and the environment's episodes.
    public var seed: UInt64

    public init(learningRate: Double = 0.1, learningRateDecay: Double = 1e-5, gamma: Double = 0.99,
                epsilon: LearningRateSchedule = .linear(from: 1, to: 0.05, steps: 50_000),
                stepsPerIteration: Int = 10_000, seed: UInt64 = 0) {
        self.learningRate = learningRate
        self.learningRateDecay = learningRateDecay
        self.gamma = gamma
        self.epsilon = epsilon
        self.stepsPerIteration = stepsPerIteration
        self.seed = seed
    }

    /// Sutton & Barto's cliff-walking setting (Example 6.6): α = 0.5 constant, ε = 0.1, γ = 1.
    public static let suttonBartoCliffWalking = SARSAConfig(learningRate: 0.5, learningRateDecay: 0, gamma: 1,
                                                            epsilon: .constant(0.1))

    /// Throws ``TabularAgentError/invalidConfiguration(field:reason:)`` for the first field out of range.
    public func validate() throws {
        try TabularConfigCheck.learningRate(learningRate, decay: learningRateDecay)
        try TabularConfigCheck.gamma(gamma)
        try TabularConfigCheck.epsilon(epsilon)
        try TabularConfigCheck.stepsPerIteration(stepsPerIteration)
    }
}
