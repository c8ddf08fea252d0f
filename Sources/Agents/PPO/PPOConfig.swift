import Networks

/// Hyperparameters of ``PPOAgent``, named as Stable-Baselines3's `PPO` names them (in
/// camelCase). The defaults are RL Zoo's tuned CartPole-v1 settings (`hyperparams/ppo.yml`):
/// 8 environments, 32 steps each per rollout, minibatches of 256, 20 epochs, γ 0.98, GAE λ 0.8,
/// learning rate and clip range annealed linearly from 1e-3 and 0.2 to 0 over 100,000 steps
/// (`lin_0.001`, `lin_0.2`), no entropy bonus; with SB3's other defaults (value coefficient
/// 0.5, gradient norm 0.5, advantages normalised per minibatch, Adam ε 1e-5, separate 64-64
/// tanh networks with orthogonal initialisation).
public struct PPOConfig: Codable, Sendable, Equatable {
    public var nEnvs = 8
    /// Steps of each copy per rollout.
    public var nSteps = 32
    /// Minibatch size.
    public var batchSize = 256
    /// Passes over each rollout.
    public var nEpochs = 20
    /// The learning rate as a function of environment steps.
    public var learningRate: LearningRateSchedule = .linear(from: 1e-3, to: 0, steps: 100_000)
    /// ε of the clipped surrogate, as a function of environment steps.
    public var clipRange: LearningRateSchedule = .linear(from: 0.2, to: 0, steps: 100_000)
    /// Clip predicted values to the rollout's values ± this (SB3's `clip_range_vf`); nil: no clipping.
    public var clipRangeVf: Double?
    public var gamma: Double = 0.98
    public var gaeLambda: Double = 0.8
    public var entCoef: Double = 0
    public var vfCoef: Double = 0.5
    /// Clip gradients to this global norm; nil: no clipping.
    public var maxGradNorm: Double? = 0.5
    /// Standardise each minibatch's advantages.
    public var normalizeAdvantage = true
    /// Stop the epochs of a rollout once the approximate KL exceeds 1.5 × this (SB3's `target_kl`); nil: never.
    public var targetKL: Double?
    public var adamEpsilon: Double = 1e-5
    public var policyLayers: [Int] = [64, 64]
    public var valueLayers: [Int] = [64, 64]
    public var activation: Activation = .tanh
    /// SB3's orthogonal initialisation; false: Keras' Glorot uniform.
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
    /// An iteration runs at least this many environment steps (whole rollouts).
    public var stepsPerIteration = 1_024
    public var seed: UInt64 = 0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case nEnvs, nSteps, batchSize, nEpochs, learningRate, clipRange, clipRangeVf, gamma, gaeLambda, entCoef, vfCoef,
             maxGradNorm, normalizeAdvantage, targetKL, adamEpsilon, policyLayers, valueLayers, activation, orthogonalInit,
             logStdInit, normalizeObservation, normalizeReward, useSde, sdeSampleFreq, convLayerParams, shareTrunk, inputLayout,
             stepsPerIteration, seed
    }

    /// Missing keys take their defaults, so a file only needs the values it changes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var d = PPOConfig()
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        func readOptional(_ key: CodingKeys, _ value: inout Double?) throws {
            if c.contains(key) { value = try c.decodeIfPresent(Double.self, forKey: key) }
        }
        try read(.nEnvs, &d.nEnvs); try read(.nSteps, &d.nSteps); try read(.batchSize, &d.batchSize)
        try read(.nEpochs, &d.nEpochs); try read(.learningRate, &d.learningRate); try read(.clipRange, &d.clipRange)
        try readOptional(.clipRangeVf, &d.clipRangeVf); try read(.gamma, &d.gamma); try read(.gaeLambda, &d.gaeLambda)
        try read(.entCoef, &d.entCoef); try read(.vfCoef, &d.vfCoef); try readOptional(.maxGradNorm, &d.maxGradNorm)
        try read(.normalizeAdvantage, &d.normalizeAdvantage); try readOptional(.targetKL, &d.targetKL)
        try read(.adamEpsilon, &d.adamEpsilon); try read(.policyLayers, &d.policyLayers); try read(.valueLayers, &d.valueLayers)
        try read(.activation, &d.activation); try read(.orthogonalInit, &d.orthogonalInit); try read(.logStdInit, &d.logStdInit)
        try read(.normalizeObservation, &d.normalizeObservation); try read(.normalizeReward, &d.normalizeReward)
        try read(.useSde, &d.useSde); try read(.sdeSampleFreq, &d.sdeSampleFreq)
        try read(.convLayerParams, &d.convLayerParams); try read(.shareTrunk, &d.shareTrunk)
        try read(.inputLayout, &d.inputLayout)
        try read(.stepsPerIteration, &d.stepsPerIteration); try read(.seed, &d.seed)
        self = d
    }

    /// Every key, unset optional values as null, so a dumped config shows all of them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nEnvs, forKey: .nEnvs); try c.encode(nSteps, forKey: .nSteps); try c.encode(batchSize, forKey: .batchSize)
        try c.encode(nEpochs, forKey: .nEpochs); try c.encode(learningRate, forKey: .learningRate)
        try c.encode(clipRange, forKey: .clipRange); try c.encode(clipRangeVf, forKey: .clipRangeVf)
        try c.encode(gamma, forKey: .gamma); try c.encode(gaeLambda, forKey: .gaeLambda); try c.encode(entCoef, forKey: .entCoef)
        try c.encode(vfCoef, forKey: .vfCoef); try c.encode(maxGradNorm, forKey: .maxGradNorm)
        try c.encode(normalizeAdvantage, forKey: .normalizeAdvantage); try c.encode(targetKL, forKey: .targetKL)
        try c.encode(adamEpsilon, forKey: .adamEpsilon); try c.encode(policyLayers, forKey: .policyLayers)
        try c.encode(valueLayers, forKey: .valueLayers); try c.encode(activation, forKey: .activation)
        try c.encode(orthogonalInit, forKey: .orthogonalInit); try c.encode(logStdInit, forKey: .logStdInit)
        try c.encode(normalizeObservation, forKey: .normalizeObservation); try c.encode(normalizeReward, forKey: .normalizeReward)
        try c.encode(useSde, forKey: .useSde); try c.encode(sdeSampleFreq, forKey: .sdeSampleFreq)
        try c.encode(convLayerParams, forKey: .convLayerParams); try c.encode(shareTrunk, forKey: .shareTrunk)
        try c.encode(inputLayout, forKey: .inputLayout)
        try c.encode(stepsPerIteration, forKey: .stepsPerIteration)
        try c.encode(seed, forKey: .seed)
    }

    /// Throws ``PPOError/invalidConfiguration(_:)`` naming the first value out of range.
    public func validate() throws {
        func check(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
            if !condition { throw PPOError.invalidConfiguration(reason()) }
        }
        // A schedule value(at:) cannot evaluate would otherwise stop the process mid-run.
        if let problem = learningRate.validationError { throw PPOError.invalidConfiguration("learningRate: \(problem)") }
        if let problem = clipRange.validationError { throw PPOError.invalidConfiguration("clipRange: \(problem)") }
        try check(nEnvs > 0 && nSteps > 0, "nEnvs and nSteps must be positive, got \(nEnvs) and \(nSteps)")
        try check(batchSize > 0, "batchSize must be positive, got \(batchSize)")
        try check(nEpochs > 0, "nEpochs must be positive, got \(nEpochs)")
        try check(gamma >= 0 && gamma <= 1, "gamma must lie in [0, 1], got \(gamma)")
        try check(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda must lie in [0, 1], got \(gaeLambda)")
        try check(clipRangeVf.map { $0 > 0 } ?? true, "clipRangeVf must be positive or null")
        try check(targetKL.map { $0 > 0 } ?? true, "targetKL must be positive or null")
        try check(maxGradNorm.map { $0 > 0 } ?? true, "maxGradNorm must be positive or null")
        try check(entCoef.isFinite && vfCoef.isFinite && vfCoef >= 0, "entCoef and vfCoef must be finite (vfCoef 0 or more)")
        try check(adamEpsilon >= 0 && adamEpsilon.isFinite, "adamEpsilon must be 0 or more, got \(adamEpsilon)")
        try check((policyLayers + valueLayers).allSatisfy { $0 > 0 }, "policyLayers and valueLayers must hold positive widths")
        try check(logStdInit.isFinite && abs(logStdInit) < 20, "logStdInit must be a finite log standard deviation, got \(logStdInit)")
        try check(convLayerParams.allSatisfy { $0.filters > 0 && $0.kernelSize > 0 && $0.stride > 0 },
                  "convLayerParams must hold positive filters, kernel sizes and strides")
        try check(stepsPerIteration > 0, "stepsPerIteration must be positive, got \(stepsPerIteration)")
    }
}

/// Why a PPO agent cannot be built.
public enum PPOError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    case unsupportedEnvironment(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(reason): return "PPO configuration: \(reason)"
        case let .unsupportedEnvironment(reason): return "PPO cannot train here: \(reason)"
        }
    }
}
