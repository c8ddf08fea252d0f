import Networks

/// Hyperparameters of ``A2CAgent``, named as Stable-Baselines3's `A2C` names them (in
/// camelCase). The defaults are SB3's (RMSprop 7e-4 with α 0.99 and ε 1e-5, 5 steps per
/// update, γ 0.99, GAE λ 1, i.e. n-step returns, value coefficient 0.5, no entropy bonus,
/// gradient norm 0.5, separate 64-64 tanh networks for the policy and the value with
/// orthogonal initialisation) with RL Zoo's 8 environments for CartPole-v1.
public struct A2CConfig: Codable, Sendable, Equatable {
    /// Environment copies stepped together.
    public var nEnvs = 8
    /// Steps of each copy per update.
    public var nSteps = 5
    public var learningRate: Double = 7e-4
    public var gamma: Double = 0.99
    /// GAE λ; 1 gives the n-step bootstrapped returns of the A3C paper.
    public var gaeLambda: Double = 1
    public var entCoef: Double = 0
    public var vfCoef: Double = 0.5
    /// Clip gradients to this global norm; nil: no clipping.
    public var maxGradNorm: Double? = 0.5
    /// Standardise the advantages of each update.
    public var normalizeAdvantage = false
    /// RMSprop's decay ρ (PyTorch's `alpha`) and ε, and where ε goes (see ``RMSprop``).
    public var rmspropRho: Double = 0.99
    public var rmspropEpsilon: Double = 1e-5
    public var rmspropEpsilonInsideSquareRoot = false
    /// Where RMSprop's squared-gradient average starts: 0 (PyTorch, SB3's default) or 1 (SB3's
    /// `RMSpropTFLike`, with ε inside the root, as RL Zoo trains A2C on Atari).
    public var rmspropInitialSquareAverage: Double = 0
    /// Hidden widths of the policy network and of the value network (SB3's `net_arch`).
    public var policyLayers: [Int] = [64, 64]
    public var valueLayers: [Int] = [64, 64]
    public var activation: Activation = .tanh
    /// SB3's orthogonal initialisation (gain √2 for hidden layers, 0.01 for the policy
    /// output, 1 for the value output, zero biases); false: Keras' Glorot uniform.
    public var orthogonalInit = true
    /// The initial log standard deviation of the Gaussian policy for `Box` actions (SB3's `log_std_init`).
    public var logStdInit: Double = 0
    /// Standardise observations with running statistics, clipped to ±10 (the observation half
    /// of SB3's `VecNormalize`, RL Zoo's `normalize: true`).
    public var normalizeObservation = false
    /// Scale rewards by the running deviation of the discounted return, clipped to ±10
    /// (the reward half of `VecNormalize`).
    public var normalizeReward = false
    /// Explore `Box` actions with generalized state-dependent exploration (gSDE, SB3's `use_sde`).
    public var useSde = false
    /// Steps between gSDE's noise draws; −1: once per rollout (SB3's `sde_sample_freq`).
    public var sdeSampleFreq = -1
    /// Convolutions `(filters, kernelSize, stride)` before the dense layers, for image observations.
    public var convLayerParams: [QNetworkConfig.ConvLayer] = []
    /// One trunk (the convolutions and `policyLayers`) for both heads, as the A3C paper's
    /// Atari network; false: separate policy and value networks (SB3's MLP default).
    public var shareTrunk = false
    /// Where image observations keep their channels: `.channelsLast` (`[height, width,
    /// channels]`), or `.channelsFirst` for ``Environments/FrameStack``'s `[4, 84, 84]`
    /// stacks, which the network moves last before its first convolution.
    public var inputLayout: QNetworkConfig.InputLayout = .channelsLast
    /// An iteration runs at least this many environment steps (whole updates).
    public var stepsPerIteration = 1_000
    public var seed: UInt64 = 0

    public init() {}

    /// The A2C of the 2019 TensorFlow 2 tutorial the anchors time: one environment, 32-step
    /// batches, separate 128-unit ReLU networks (Keras initialisation), Keras' RMSprop
    /// (lr 7e-4, ρ 0.9, ε 1e-7 under the root), value coefficient 0.5, entropy 1e-4, γ 0.99,
    /// no gradient clipping; 1,000 updates on CartPole-v0.
    public static var tutorial: A2CConfig {
        var config = A2CConfig()
        config.nEnvs = 1
        config.nSteps = 32
        config.policyLayers = [128]
        config.valueLayers = [128]
        config.activation = .relu
        config.orthogonalInit = false
        config.rmspropRho = 0.9
        config.rmspropEpsilon = 1e-7
        config.rmspropEpsilonInsideSquareRoot = true
        config.entCoef = 1e-4
        config.maxGradNorm = nil
        config.stepsPerIteration = 320
        return config
    }

    /// The per-step actor-critic for image observations: one environment, an update after
    /// every step (a batch of one), and one trunk shared by the policy and value heads, the
    /// A3C paper's Atari network (16 8x8 filters stride 4, 32 4x4 stride 2, 256 ReLU units;
    /// Mnih et al. 2016). Set `convLayerParams` for smaller frames (MinAtar: one 3x3 layer of 16).
    public static var perStep: A2CConfig {
        var config = A2CConfig()
        config.nEnvs = 1
        config.nSteps = 1
        config.shareTrunk = true
        config.convLayerParams = [.init(filters: 16, kernelSize: 8, stride: 4), .init(filters: 32, kernelSize: 4, stride: 2)]
        config.policyLayers = [256]
        config.activation = .relu
        config.entCoef = 0.01
        return config
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case nEnvs, nSteps, learningRate, gamma, gaeLambda, entCoef, vfCoef, maxGradNorm, normalizeAdvantage, rmspropRho,
             rmspropEpsilon, rmspropEpsilonInsideSquareRoot, rmspropInitialSquareAverage, policyLayers, valueLayers, activation,
             orthogonalInit, logStdInit, normalizeObservation, normalizeReward, useSde, sdeSampleFreq, convLayerParams, shareTrunk, inputLayout,
             stepsPerIteration, seed
    }

    /// Missing keys take their defaults, so a file only needs the values it changes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var d = A2CConfig()
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.nEnvs, &d.nEnvs); try read(.nSteps, &d.nSteps); try read(.learningRate, &d.learningRate)
        try read(.gamma, &d.gamma); try read(.gaeLambda, &d.gaeLambda); try read(.entCoef, &d.entCoef)
        try read(.vfCoef, &d.vfCoef)
        if c.contains(.maxGradNorm) { d.maxGradNorm = try c.decodeIfPresent(Double.self, forKey: .maxGradNorm) }
        try read(.normalizeAdvantage, &d.normalizeAdvantage); try read(.rmspropRho, &d.rmspropRho)
        try read(.rmspropEpsilon, &d.rmspropEpsilon); try read(.rmspropEpsilonInsideSquareRoot, &d.rmspropEpsilonInsideSquareRoot)
        try read(.rmspropInitialSquareAverage, &d.rmspropInitialSquareAverage)
        try read(.policyLayers, &d.policyLayers); try read(.valueLayers, &d.valueLayers); try read(.activation, &d.activation)
        try read(.orthogonalInit, &d.orthogonalInit); try read(.logStdInit, &d.logStdInit)
        try read(.normalizeObservation, &d.normalizeObservation); try read(.normalizeReward, &d.normalizeReward)
        try read(.useSde, &d.useSde); try read(.sdeSampleFreq, &d.sdeSampleFreq)
        try read(.convLayerParams, &d.convLayerParams); try read(.shareTrunk, &d.shareTrunk)
        try read(.inputLayout, &d.inputLayout)
        try read(.stepsPerIteration, &d.stepsPerIteration)
        try read(.seed, &d.seed)
        self = d
    }

    /// Every key, `maxGradNorm` as null when unset, so a dumped config shows all of them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nEnvs, forKey: .nEnvs); try c.encode(nSteps, forKey: .nSteps)
        try c.encode(learningRate, forKey: .learningRate); try c.encode(gamma, forKey: .gamma)
        try c.encode(gaeLambda, forKey: .gaeLambda); try c.encode(entCoef, forKey: .entCoef); try c.encode(vfCoef, forKey: .vfCoef)
        try c.encode(maxGradNorm, forKey: .maxGradNorm); try c.encode(normalizeAdvantage, forKey: .normalizeAdvantage)
        try c.encode(rmspropRho, forKey: .rmspropRho); try c.encode(rmspropEpsilon, forKey: .rmspropEpsilon)
        try c.encode(rmspropEpsilonInsideSquareRoot, forKey: .rmspropEpsilonInsideSquareRoot)
        try c.encode(rmspropInitialSquareAverage, forKey: .rmspropInitialSquareAverage)
        try c.encode(policyLayers, forKey: .policyLayers); try c.encode(valueLayers, forKey: .valueLayers)
        try c.encode(activation, forKey: .activation); try c.encode(orthogonalInit, forKey: .orthogonalInit)
        try c.encode(logStdInit, forKey: .logStdInit); try c.encode(normalizeObservation, forKey: .normalizeObservation)
        try c.encode(normalizeReward, forKey: .normalizeReward)
        try c.encode(useSde, forKey: .useSde); try c.encode(sdeSampleFreq, forKey: .sdeSampleFreq)
        try c.encode(convLayerParams, forKey: .convLayerParams); try c.encode(shareTrunk, forKey: .shareTrunk)
        try c.encode(inputLayout, forKey: .inputLayout)
        try c.encode(stepsPerIteration, forKey: .stepsPerIteration); try c.encode(seed, forKey: .seed)
    }

    /// Throws ``A2CError/invalidConfiguration(_:)`` naming the first value out of range.
    public func validate() throws {
        func check(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
            if !condition { throw A2CError.invalidConfiguration(reason()) }
        }
        try check(nEnvs > 0, "nEnvs must be positive, got \(nEnvs)")
        try check(nSteps > 0, "nSteps must be positive, got \(nSteps)")
        try check(learningRate > 0 && learningRate.isFinite, "learningRate must be positive, got \(learningRate)")
        try check(gamma >= 0 && gamma <= 1, "gamma must lie in [0, 1], got \(gamma)")
        try check(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda must lie in [0, 1], got \(gaeLambda)")
        try check(entCoef.isFinite && vfCoef.isFinite && vfCoef >= 0, "entCoef and vfCoef must be finite (vfCoef 0 or more)")
        try check(maxGradNorm.map { $0 > 0 } ?? true, "maxGradNorm must be positive or null, got \(String(describing: maxGradNorm))")
        try check(rmspropRho >= 0 && rmspropRho < 1, "rmspropRho must lie in [0, 1), got \(rmspropRho)")
        try check(rmspropEpsilon >= 0 && rmspropEpsilon.isFinite, "rmspropEpsilon must be 0 or more, got \(rmspropEpsilon)")
        try check(rmspropInitialSquareAverage >= 0 && rmspropInitialSquareAverage.isFinite,
                  "rmspropInitialSquareAverage must be 0 or more (1 for RMSpropTFLike), got \(rmspropInitialSquareAverage)")
        try check((policyLayers + valueLayers).allSatisfy { $0 > 0 }, "policyLayers and valueLayers must hold positive widths")
        try check(logStdInit.isFinite && abs(logStdInit) < 20, "logStdInit must be a finite log standard deviation, got \(logStdInit)")
        try check(convLayerParams.allSatisfy { $0.filters > 0 && $0.kernelSize > 0 && $0.stride > 0 },
                  "convLayerParams must hold positive filters, kernel sizes and strides")
        try check(stepsPerIteration > 0, "stepsPerIteration must be positive, got \(stepsPerIteration)")
    }
}

/// Why an A2C agent cannot be built.
public enum A2CError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    case unsupportedEnvironment(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(reason): return "A2C configuration: \(reason)"
        case let .unsupportedEnvironment(reason): return "A2C cannot train here: \(reason)"
        }
    }
}
