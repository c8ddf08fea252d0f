import Networks

/// Hyperparameters of ``DQNAgent``, named as Stable-Baselines3's `DQN` names them (in
/// camelCase). The defaults are RL Zoo's tuned CartPole-v1 settings (`hyperparams/dqn.yml`):
/// learning rate 2.3e-3, batch 64, buffer 100,000, 1,000 random warm-up steps, γ 0.99,
/// 128 gradient steps every 256 environment steps, a hard target update every 10 steps,
/// ε from 1 to 0.04 over the first 16% of 50,000 steps, an MLP of 256-256.
///
/// Every published variant is a switch of its own: `doubleDQN`, `network.dueling`,
/// `prioritizedReplay`, `nSteps`, `tau` (< 1: Polyak averaging), `loss`, `optimizer`.
public struct DQNConfig: Codable, Sendable, Equatable {
    /// The optimizer of the online network.
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
        /// Adam with PyTorch's ε 1e-8 (SB3's default).
        case adam
        /// Centered RMSprop as the 2015 Nature paper and TF-Agents' Atari setup use
        /// (ρ ``rmspropRho``, ε ``rmspropEpsilon``).
        case rmsprop
    }

    /// What ``DQNConfig/epsilon`` is a function of.
    public enum Clock: String, Codable, Sendable, CaseIterable {
        /// Environment steps taken (Stable-Baselines3, TF-Agents).
        case environmentSteps
        /// Episodes finished (the basic DQN of *Hands-On Machine Learning*, ch. 18:
        /// ε = max(1 − episode/500, 0.01)).
        case episodes
    }

    public var learningRate: Double = 2.3e-3
    /// Replay capacity in transitions.
    public var bufferSize: Int = 100_000
    /// Environment steps of uniformly random actions before learning starts.
    public var learningStarts: Int = 1_000
    /// Finished episodes before the first gradient step (the textbook's "train from episode
    /// 50"); actions follow ε meanwhile. Both this and ``learningStarts`` must have passed.
    public var learningStartsEpisodes: Int = 0
    public var batchSize: Int = 64
    /// Value next states with a separate target network (Mnih et al. 2015). Off, the online
    /// network values them itself, as in the textbook's basic DQN; `tau` and
    /// `targetUpdateInterval` then do nothing.
    public var targetNetwork = true
    /// Target network update coefficient: 1 copies the weights (a hard update), less averages them.
    public var tau: Double = 1
    public var gamma: Double = 0.99
    /// Environment steps between training phases.
    public var trainFreq: Int = 256
    /// Gradient steps in each training phase.
    public var gradientSteps: Int = 128
    /// Environment steps between target network updates.
    public var targetUpdateInterval: Int = 10
    /// The exploration rate as a function of ``epsilonClock``.
    public var epsilon: LearningRateSchedule = .linear(from: 1, to: 0.04, steps: 8_000)
    /// Whether ``epsilon`` counts environment steps or finished episodes.
    public var epsilonClock: Clock = .environmentSteps
    /// Clip gradients to this global norm (SB3's `max_grad_norm`); nil: no clipping.
    public var maxGradNorm: Double? = 10
    /// Double DQN targets (van Hasselt et al. 2016): the online network picks a', the target network values it.
    public var doubleDQN = false
    /// n-step returns (1: one-step TD).
    public var nSteps = 1
    /// Proportional prioritized replay (Schaul et al. 2016).
    public var prioritizedReplay = false
    public var prioritizedReplayAlpha: Double = 0.6
    /// β at the start; it is annealed linearly to 1 over ``prioritizedReplayBetaSteps``.
    public var prioritizedReplayBeta0: Double = 0.4
    public var prioritizedReplayBetaSteps: Int = 50_000
    public var loss: TDErrorLoss = .huber
    public var optimizer: OptimizerKind = .adam
    /// Adam's ε: PyTorch's 1e-8 (SB3); Keras uses 1e-7.
    public var adamEpsilon: Double = 1e-8
    public var rmspropRho: Double = 0.95
    public var rmspropEpsilon: Double = 1e-5
    /// TensorFlow's placement of ε, √(v − ḡ² + ε), rather than PyTorch's √(v − ḡ²) + ε (see ``RMSprop``).
    public var rmspropEpsilonInsideSquareRoot = false
    /// The Q-network (SB3's `net_arch`, TF-Agents' `fc_layer_params`, dueling and conv layers).
    public var network: QNetworkConfig = .rlZooCartPole
    /// A training iteration runs at least this many environment steps and then to the end of
    /// the episode in progress, so checkpoints fall between episodes and resume exactly.
    public var stepsPerIteration: Int = 1_000
    /// Save the replay buffer with each checkpoint (needed for an exact resume; can be large).
    public var saveReplayBuffer = true
    public var seed: UInt64 = 0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case learningRate, bufferSize, learningStarts, learningStartsEpisodes, batchSize, targetNetwork, tau, gamma,
             trainFreq, gradientSteps, targetUpdateInterval, epsilon, epsilonClock, maxGradNorm, doubleDQN, nSteps,
             prioritizedReplay, prioritizedReplayAlpha, prioritizedReplayBeta0, prioritizedReplayBetaSteps, loss, optimizer,
             adamEpsilon, rmspropRho, rmspropEpsilon, rmspropEpsilonInsideSquareRoot, network, stepsPerIteration,
             saveReplayBuffer, seed
    }

    /// Missing keys take their defaults, so a file only needs the values it changes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var d = DQNConfig()
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.learningRate, &d.learningRate); try read(.bufferSize, &d.bufferSize)
        try read(.learningStarts, &d.learningStarts); try read(.learningStartsEpisodes, &d.learningStartsEpisodes)
        try read(.batchSize, &d.batchSize); try read(.targetNetwork, &d.targetNetwork); try read(.tau, &d.tau)
        try read(.gamma, &d.gamma); try read(.trainFreq, &d.trainFreq); try read(.gradientSteps, &d.gradientSteps)
        try read(.targetUpdateInterval, &d.targetUpdateInterval); try read(.epsilon, &d.epsilon)
        try read(.epsilonClock, &d.epsilonClock)
        if c.contains(.maxGradNorm) { d.maxGradNorm = try c.decodeIfPresent(Double.self, forKey: .maxGradNorm) }
        try read(.doubleDQN, &d.doubleDQN); try read(.nSteps, &d.nSteps); try read(.prioritizedReplay, &d.prioritizedReplay)
        try read(.prioritizedReplayAlpha, &d.prioritizedReplayAlpha); try read(.prioritizedReplayBeta0, &d.prioritizedReplayBeta0)
        try read(.prioritizedReplayBetaSteps, &d.prioritizedReplayBetaSteps); try read(.loss, &d.loss)
        try read(.optimizer, &d.optimizer); try read(.adamEpsilon, &d.adamEpsilon)
        try read(.rmspropRho, &d.rmspropRho); try read(.rmspropEpsilon, &d.rmspropEpsilon)
        try read(.rmspropEpsilonInsideSquareRoot, &d.rmspropEpsilonInsideSquareRoot)
        try read(.network, &d.network); try read(.stepsPerIteration, &d.stepsPerIteration)
        try read(.saveReplayBuffer, &d.saveReplayBuffer); try read(.seed, &d.seed)
        self = d
    }

    /// Every key, `maxGradNorm` as null when unset, so a dumped config shows all of them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(learningRate, forKey: .learningRate); try c.encode(bufferSize, forKey: .bufferSize)
        try c.encode(learningStarts, forKey: .learningStarts)
        try c.encode(learningStartsEpisodes, forKey: .learningStartsEpisodes); try c.encode(batchSize, forKey: .batchSize)
        try c.encode(targetNetwork, forKey: .targetNetwork); try c.encode(tau, forKey: .tau); try c.encode(gamma, forKey: .gamma); try c.encode(trainFreq, forKey: .trainFreq)
        try c.encode(gradientSteps, forKey: .gradientSteps); try c.encode(targetUpdateInterval, forKey: .targetUpdateInterval)
        try c.encode(epsilon, forKey: .epsilon); try c.encode(epsilonClock, forKey: .epsilonClock)
        try c.encode(maxGradNorm, forKey: .maxGradNorm)
        try c.encode(doubleDQN, forKey: .doubleDQN); try c.encode(nSteps, forKey: .nSteps)
        try c.encode(prioritizedReplay, forKey: .prioritizedReplay); try c.encode(prioritizedReplayAlpha, forKey: .prioritizedReplayAlpha)
        try c.encode(prioritizedReplayBeta0, forKey: .prioritizedReplayBeta0)
        try c.encode(prioritizedReplayBetaSteps, forKey: .prioritizedReplayBetaSteps)
        try c.encode(loss, forKey: .loss); try c.encode(optimizer, forKey: .optimizer)
        try c.encode(adamEpsilon, forKey: .adamEpsilon)
        try c.encode(rmspropRho, forKey: .rmspropRho); try c.encode(rmspropEpsilon, forKey: .rmspropEpsilon)
        try c.encode(rmspropEpsilonInsideSquareRoot, forKey: .rmspropEpsilonInsideSquareRoot)
        try c.encode(network, forKey: .network); try c.encode(stepsPerIteration, forKey: .stepsPerIteration)
        try c.encode(saveReplayBuffer, forKey: .saveReplayBuffer); try c.encode(seed, forKey: .seed)
    }

    /// Throws ``DQNError/invalidConfiguration(_:)`` naming the first value out of range.
    public func validate() throws {
        func check(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
            if !condition { throw DQNError.invalidConfiguration(reason()) }
        }
        try check(learningRate > 0 && learningRate.isFinite, "learningRate must be positive, got \(learningRate)")
        try check(bufferSize >= batchSize, "bufferSize (\(bufferSize)) must be at least batchSize (\(batchSize))")
        try check(batchSize > 0, "batchSize must be positive, got \(batchSize)")
        try check(learningStarts >= 0, "learningStarts must be 0 or more, got \(learningStarts)")
        try check(learningStartsEpisodes >= 0, "learningStartsEpisodes must be 0 or more, got \(learningStartsEpisodes)")
        try check(adamEpsilon >= 0 && adamEpsilon.isFinite, "adamEpsilon must be 0 or more, got \(adamEpsilon)")
        try check(rmspropRho >= 0 && rmspropRho < 1, "rmspropRho must lie in [0, 1), got \(rmspropRho)")
        try check(rmspropEpsilon >= 0 && rmspropEpsilon.isFinite, "rmspropEpsilon must be 0 or more, got \(rmspropEpsilon)")
        try check(tau > 0 && tau <= 1, "tau must lie in (0, 1], got \(tau)")
        try check(gamma >= 0 && gamma <= 1, "gamma must lie in [0, 1], got \(gamma)")
        try check(trainFreq > 0, "trainFreq must be positive, got \(trainFreq)")
        try check(gradientSteps >= 0, "gradientSteps must be 0 or more, got \(gradientSteps)")
        try check(targetUpdateInterval > 0, "targetUpdateInterval must be positive, got \(targetUpdateInterval)")
        try check(nSteps >= 1, "nSteps must be at least 1, got \(nSteps)")
        try check(maxGradNorm.map { $0 > 0 } ?? true, "maxGradNorm must be positive or null, got \(String(describing: maxGradNorm))")
        try check(prioritizedReplayAlpha >= 0, "prioritizedReplayAlpha must be 0 or more, got \(prioritizedReplayAlpha)")
        try check(prioritizedReplayBetaSteps > 0, "prioritizedReplayBetaSteps must be positive, got \(prioritizedReplayBetaSteps)")
        try check(stepsPerIteration > 0, "stepsPerIteration must be positive, got \(stepsPerIteration)")
    }
}

/// Why a DQN agent cannot be built or restored.
public enum DQNError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    case unsupportedEnvironment(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(reason): return "DQN configuration: \(reason)"
        case let .unsupportedEnvironment(reason): return "DQN cannot train here: \(reason)"
        }
    }
}
