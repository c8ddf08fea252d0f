import Networks

/// Hyperparameters of ``REINFORCEAgent``. The defaults are *Hands-On Machine Learning*'s CartPole
/// settings (Géron, 2nd ed., ch. 18, "Policy Gradients"): a 4-5-1 network with ELU hidden
/// units, 10 episodes of at most 200 steps per update, γ = 0.95, returns normalised across
/// the batch, Adam with learning rate 0.01, no baseline and no entropy bonus.
///
/// Keys missing from a decoded configuration take their default, so a file only needs the
/// values it changes.
public struct REINFORCEConfig: Codable, Sendable, Equatable {
    /// How the policy network's outputs become action probabilities.
    public enum PolicyHead: String, Codable, Sendable, CaseIterable {
        /// The Bernoulli head (one sigmoid output, P(action 0)) for two actions, as the
        /// textbook's CartPole policy; the categorical head otherwise.
        case automatic
        /// One sigmoid output giving P(action 0); two actions only.
        case bernoulli
        /// A softmax over one logit per action.
        case categorical
    }

    /// The optimizer of the policy (and value) network.
    public enum Optimizer: String, Codable, Sendable, CaseIterable {
        /// Keras' Adam (ε 1e-7), as the book uses.
        case adam
        /// Plain RMSprop as Karpathy's "Pong from Pixels" writes it: decay ``rmspropRho``,
        /// ε ``rmspropEpsilon`` added outside the square root, not centred.
        case rmsprop
    }

    /// Discount factor of the returns `G_t = Σ_k γ^k r_{t+k}` (the book's `discount_rate`).
    public var gamma: Double = 0.95
    /// The learning rate of the policy network's ``optimizer``.
    public var learningRate: Double = 0.01
    /// Whole episodes collected for each update (the book's `n_episodes_per_update`).
    public var episodesPerIteration: Int = 10
    /// Episodes are cut after this many steps (the book's `n_max_steps`); nil keeps the
    /// environment's own time limit only.
    public var maxEpisodeSteps: Int? = 200
    /// Widths of the hidden layers of the policy (and value) MLP.
    public var hiddenUnits: [Int] = [5]
    /// Activation of the hidden layers (and of the convolutions).
    public var activation: Activation = .elu
    /// Convolutions `(filters, kernelSize, stride)` (valid padding, Keras' Glorot
    /// initialisation) before the hidden layers, for image observations; empty: an MLP.
    public var convLayerParams: [QNetworkConfig.ConvLayer] = []
    /// Where image observations keep their channels: `.channelsLast` (`[height, width,
    /// channels]`, ``Environments/PongPreprocessing``'s `[80, 80, 1]`), or `.channelsFirst` for
    /// ``Environments/FrameStack``'s `[4, 84, 84]` stacks.
    public var inputLayout: QNetworkConfig.InputLayout = .channelsLast
    /// How the outputs become a distribution over the actions.
    public var policyHead: PolicyHead = .automatic
    /// Standardise the policy-gradient weights (returns, or advantages with a baseline) by
    /// their mean and population standard deviation over the whole batch, as the book's
    /// `discount_and_normalize_rewards` does.
    public var normalizeReturns: Bool = true
    /// Subtract a learned state value `V(s)` from the returns (REINFORCE with baseline,
    /// Sutton and Barto 2018, §13.4); V is a separate MLP fitted to the returns by MSE.
    public var useBaseline: Bool = false
    /// The learning rate of the value network's ``optimizer`` (used with ``useBaseline``).
    public var valueLearningRate: Double = 0.01
    /// Weight of the entropy bonus subtracted from the loss (SB3's `ent_coef`).
    public var entCoef: Double = 0
    /// The optimizer of both networks.
    public var optimizer: Optimizer = .adam
    /// RMSprop's decay of the squared-gradient average (Karpathy's `decay_rate`).
    public var rmspropRho: Double = 0.99
    /// RMSprop's ε, added to the root (Karpathy's 1e-5).
    public var rmspropEpsilon: Double = 1e-5
    /// Restart the discounted sum at every nonzero reward, going backwards: each reward is
    /// then credited only to the steps since the previous one. Karpathy's Pong-specific
    /// `discount_rewards` ("reset the sum, since this was a game boundary"), where a reward
    /// ends a point; wrong for games whose rewards do not end anything.
    public var resetReturnsOnReward: Bool = false
    /// Seeds the networks' initial weights and, through the driver, every episode and action.
    public var seed: UInt64 = 0

    /// The textbook configuration (also the defaults).
    public init() {}

    /// A configuration with the given values and textbook defaults for the rest.
    public init(gamma: Double = 0.95, learningRate: Double = 0.01, episodesPerIteration: Int = 10,
                maxEpisodeSteps: Int? = 200, hiddenUnits: [Int] = [5], activation: Activation = .elu,
                policyHead: PolicyHead = .automatic, normalizeReturns: Bool = true, useBaseline: Bool = false,
                valueLearningRate: Double = 0.01, entCoef: Double = 0, seed: UInt64 = 0) {
        self.gamma = gamma
        self.learningRate = learningRate
        self.episodesPerIteration = episodesPerIteration
        self.maxEpisodeSteps = maxEpisodeSteps
        self.hiddenUnits = hiddenUnits
        self.activation = activation
        self.policyHead = policyHead
        self.normalizeReturns = normalizeReturns
        self.useBaseline = useBaseline
        self.valueLearningRate = valueLearningRate
        self.entCoef = entCoef
        self.seed = seed
    }

    private enum CodingKeys: String, CodingKey {
        case gamma, learningRate, episodesPerIteration, maxEpisodeSteps, hiddenUnits, activation, convLayerParams, inputLayout
        case policyHead, normalizeReturns, useBaseline, valueLearningRate, entCoef, optimizer, rmspropRho, rmspropEpsilon
        case resetReturnsOnReward, seed
    }

    /// Decodes a configuration; missing keys take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = REINFORCEConfig()
        gamma = try c.decodeIfPresent(Double.self, forKey: .gamma) ?? d.gamma
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
        episodesPerIteration = try c.decodeIfPresent(Int.self, forKey: .episodesPerIteration) ?? d.episodesPerIteration
        maxEpisodeSteps = c.contains(.maxEpisodeSteps) ? try c.decodeIfPresent(Int.self, forKey: .maxEpisodeSteps) : d.maxEpisodeSteps
        hiddenUnits = try c.decodeIfPresent([Int].self, forKey: .hiddenUnits) ?? d.hiddenUnits
        activation = try c.decodeIfPresent(Activation.self, forKey: .activation) ?? d.activation
        convLayerParams = try c.decodeIfPresent([QNetworkConfig.ConvLayer].self, forKey: .convLayerParams) ?? d.convLayerParams
        inputLayout = try c.decodeIfPresent(QNetworkConfig.InputLayout.self, forKey: .inputLayout) ?? d.inputLayout
        policyHead = try c.decodeIfPresent(PolicyHead.self, forKey: .policyHead) ?? d.policyHead
        normalizeReturns = try c.decodeIfPresent(Bool.self, forKey: .normalizeReturns) ?? d.normalizeReturns
        useBaseline = try c.decodeIfPresent(Bool.self, forKey: .useBaseline) ?? d.useBaseline
        valueLearningRate = try c.decodeIfPresent(Double.self, forKey: .valueLearningRate) ?? d.valueLearningRate
        entCoef = try c.decodeIfPresent(Double.self, forKey: .entCoef) ?? d.entCoef
        optimizer = try c.decodeIfPresent(Optimizer.self, forKey: .optimizer) ?? d.optimizer
        rmspropRho = try c.decodeIfPresent(Double.self, forKey: .rmspropRho) ?? d.rmspropRho
        rmspropEpsilon = try c.decodeIfPresent(Double.self, forKey: .rmspropEpsilon) ?? d.rmspropEpsilon
        resetReturnsOnReward = try c.decodeIfPresent(Bool.self, forKey: .resetReturnsOnReward) ?? d.resetReturnsOnReward
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    }

    /// Encodes every key, optional ones as null when unset.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(gamma, forKey: .gamma)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(episodesPerIteration, forKey: .episodesPerIteration)
        // nil is written as null rather than left out, so the key shows in a dumped default config.
        try c.encode(maxEpisodeSteps, forKey: .maxEpisodeSteps)
        try c.encode(hiddenUnits, forKey: .hiddenUnits)
        try c.encode(activation, forKey: .activation)
        try c.encode(convLayerParams, forKey: .convLayerParams)
        try c.encode(inputLayout, forKey: .inputLayout)
        try c.encode(policyHead, forKey: .policyHead)
        try c.encode(normalizeReturns, forKey: .normalizeReturns)
        try c.encode(useBaseline, forKey: .useBaseline)
        try c.encode(valueLearningRate, forKey: .valueLearningRate)
        try c.encode(entCoef, forKey: .entCoef)
        try c.encode(optimizer, forKey: .optimizer)
        try c.encode(rmspropRho, forKey: .rmspropRho)
        try c.encode(rmspropEpsilon, forKey: .rmspropEpsilon)
        try c.encode(resetReturnsOnReward, forKey: .resetReturnsOnReward)
        try c.encode(seed, forKey: .seed)
    }

    /// Throws ``REINFORCEError/invalidConfiguration(_:)`` naming the first value out of range.
    public func validate() throws {
        func fail(_ message: String) -> REINFORCEError { .invalidConfiguration(message) }
        guard (0...1).contains(gamma) else { throw fail("gamma must lie in [0, 1], got \(gamma)") }
        guard learningRate > 0, learningRate.isFinite else { throw fail("learningRate must be positive, got \(learningRate)") }
        guard episodesPerIteration >= 1 else {
            throw fail("episodesPerIteration must be at least 1, got \(episodesPerIteration)")
        }
        if let maxEpisodeSteps, maxEpisodeSteps < 1 {
            throw fail("maxEpisodeSteps must be at least 1 (or null for the environment's limit), got \(maxEpisodeSteps)")
        }
        guard hiddenUnits.allSatisfy({ $0 > 0 }) else { throw fail("hiddenUnits must all be positive, got \(hiddenUnits)") }
        guard valueLearningRate > 0, valueLearningRate.isFinite else {
            throw fail("valueLearningRate must be positive, got \(valueLearningRate)")
        }
        guard entCoef >= 0, entCoef.isFinite else { throw fail("entCoef must be non-negative, got \(entCoef)") }
        if let i = convLayerParams.firstIndex(where: { $0.filters <= 0 || $0.kernelSize <= 0 || $0.stride <= 0 }) {
            throw fail("convLayerParams[\(i)] must have positive filters, kernel size and stride, got \(convLayerParams[i])")
        }
        guard (0..<1).contains(rmspropRho) else { throw fail("rmspropRho must lie in [0, 1), got \(rmspropRho)") }
        guard rmspropEpsilon >= 0, rmspropEpsilon.isFinite else {
            throw fail("rmspropEpsilon must be 0 or more, got \(rmspropEpsilon)")
        }
    }
}

/// Why a ``REINFORCEAgent`` agent cannot be built.
public enum REINFORCEError: Error, Equatable, CustomStringConvertible {
    /// A hyperparameter is out of range.
    case invalidConfiguration(String)
    /// The environment's spaces are not ones REINFORCE here handles.
    case unsupportedEnvironment(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(message): return "REINFORCE configuration: \(message)"
        case let .unsupportedEnvironment(message): return "REINFORCE cannot train on this environment: \(message)"
        }
    }
}
