import Networks

/// The entropy coefficient α of SAC's maximum-entropy objective (SB3's `ent_coef`).
///
/// Written as a number for a fixed α, or in SB3's spelling `"auto"` (learned, starting at 1)
/// or `"auto_0.1"` (learned, starting at 0.1), so RL Zoo files carry over.
public enum EntropyCoefficient: Sendable, Equatable, Codable, CustomStringConvertible {
    /// α learned by gradient descent on log α towards the target entropy (Haarnoja et al.
    /// 2018b, "Soft Actor-Critic Algorithms and Applications", eq. 18), starting at `initial`.
    case auto(initial: Double)
    /// A constant α (the first SAC paper's temperature).
    case fixed(Double)

    /// SB3's `"auto"`: learned, starting at 1 (log α = 0).
    public static let auto = EntropyCoefficient.auto(initial: 1)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Double.self) {
            self = .fixed(value)
            return
        }
        guard let text = try? container.decode(String.self) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription:
                "entCoef must be a number (a fixed α) or \"auto\" / \"auto_<initial α>\" (learned α), as SB3 spells it")
        }
        if text == "auto" {
            self = .auto
        } else if text.hasPrefix("auto_"), let initial = Double(text.dropFirst(5)) {
            self = .auto(initial: initial)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription:
                "entCoef '\(text)' is not understood; write a number (a fixed α), \"auto\" or \"auto_<initial α>\" such as \"auto_0.1\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .fixed(value): try container.encode(value)
        case let .auto(initial): try container.encode(initial == 1 ? "auto" : "auto_\(initial)")
        }
    }

    public var description: String {
        switch self {
        case let .fixed(value): return "\(value)"
        case let .auto(initial): return initial == 1 ? "auto" : "auto_\(initial)"
        }
    }
}

/// The entropy the learned α steers the policy towards (SB3's `target_entropy`).
public enum TargetEntropy: Sendable, Equatable, Codable {
    /// −dim(A), the heuristic of Haarnoja et al. 2018b (SB3's `"auto"`).
    case auto
    /// A given value, in nats.
    case value(Double)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Double.self) {
            self = .value(value)
        } else if let text = try? container.decode(String.self), text == "auto" {
            self = .auto
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription:
                "targetEntropy must be a number (nats) or \"auto\" (minus the action dimension)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .auto: try container.encode("auto")
        case let .value(value): try container.encode(value)
        }
    }

    /// The target for an action space of `actionDimension` components.
    public func value(actionDimension: Int) -> Double {
        switch self {
        case .auto: return -Double(actionDimension)
        case let .value(value): return value
        }
    }
}

/// Hyperparameters of ``SACAgent``, named as Stable-Baselines3's `SAC` names them (in
/// camelCase), with SB3's defaults: learning rate 3e-4 for actor, critics and α alike, a
/// replay of 1,000,000, 100 uniformly random warm-up steps, minibatches of 256, τ 0.005,
/// γ 0.99, one gradient step per environment step, α learned from 1 towards an entropy of
/// −dim(A), two critics, and 256-256 ReLU networks with PyTorch's default initialisation.
public struct SACConfig: Codable, Sendable, Equatable {
    /// The learning rate of all three optimizers, as a function of environment steps.
    public var learningRate: LearningRateSchedule = 3e-4
    /// Replay capacity in slots (an episode of T steps takes T + 1; see ``ReplayBuffer``).
    public var bufferSize = 1_000_000
    /// Steps of uniformly random actions before the first gradient step.
    public var learningStarts = 100
    /// Transitions per gradient step.
    public var batchSize = 256
    /// Polyak coefficient of the target critics: θ' ← τ θ + (1 − τ) θ'.
    public var tau: Double = 0.005
    /// Discount factor.
    public var gamma: Double = 0.99
    /// Train every this many environment steps.
    public var trainFreq = 1
    /// Gradient steps per training phase.
    public var gradientSteps = 1
    /// α: learned (SB3's `"auto"`) or fixed.
    public var entCoef: EntropyCoefficient = .auto
    /// The entropy a learned α aims for.
    public var targetEntropy: TargetEntropy = .auto
    /// Polyak-update the target critics every this many gradient steps. (SB3 counts with the
    /// index within each training phase, so with `gradientSteps` 1 it updates every step
    /// whatever this is; here the count runs over the whole run, as documented in SB3.)
    public var targetUpdateInterval = 1
    /// Hidden widths of the actor (SB3's `net_arch["pi"]`).
    public var policyLayers: [Int] = [256, 256]
    /// Hidden widths of each critic (SB3's `net_arch["qf"]`).
    public var criticLayers: [Int] = [256, 256]
    /// The hidden layers' activation, actor and critics alike.
    public var activation: Activation = .relu
    /// Number of Q-networks; targets use the minimum over them (clipped double Q, Fujimoto et al. 2018).
    public var nCritics = 2
    /// Adam's ε: PyTorch's default, which SB3's SAC keeps.
    public var adamEpsilon: Double = 1e-8
    /// Generalised state-dependent exploration (gSDE, Raffin et al. 2022; SB3's `use_sde`):
    /// the noise is the actor's last hidden features times an exploration matrix that stays
    /// put for many steps. RL Zoo uses it where per-step noise averages out (MountainCarContinuous).
    public var useSde = false
    /// With gSDE, draw a new exploration matrix every this many steps; 0 or less, once per
    /// collection phase (`trainFreq` steps), as SB3's `sde_sample_freq` −1.
    public var sdeSampleFreq = -1
    /// With gSDE, the initial log σ of the exploration matrix (SB3's `log_std_init`, −3 for SAC).
    public var logStdInit: Double = -3
    /// With gSDE, the bound on the actor's means (SB3's `clip_mean`); 0 leaves them unbounded.
    public var clipMean: Double = 2
    /// A training iteration runs at least this many environment steps and then to the end of
    /// the episode in progress, so checkpoints fall between episodes and resume exactly.
    public var stepsPerIteration = 1_000
    /// Save the replay buffer with each checkpoint (needed for an exact resume).
    public var saveReplayBuffer = true
    /// Seeds the networks' initial weights, the minibatches and reparameterisation noise, and
    /// the driver (episode resets and the collect policy's draws).
    public var seed: UInt64 = 0

    /// SB3's defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case learningRate, bufferSize, learningStarts, batchSize, tau, gamma, trainFreq, gradientSteps, entCoef, targetEntropy,
             targetUpdateInterval, policyLayers, criticLayers, activation, nCritics, adamEpsilon, useSde, sdeSampleFreq,
             logStdInit, clipMean, stepsPerIteration, saveReplayBuffer, seed
    }

    /// Missing keys take their defaults, so a file only needs the values it changes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var d = SACConfig()
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.learningRate, &d.learningRate); try read(.bufferSize, &d.bufferSize)
        try read(.learningStarts, &d.learningStarts); try read(.batchSize, &d.batchSize); try read(.tau, &d.tau)
        try read(.gamma, &d.gamma); try read(.trainFreq, &d.trainFreq); try read(.gradientSteps, &d.gradientSteps)
        try read(.entCoef, &d.entCoef); try read(.targetEntropy, &d.targetEntropy)
        try read(.targetUpdateInterval, &d.targetUpdateInterval); try read(.policyLayers, &d.policyLayers)
        try read(.criticLayers, &d.criticLayers); try read(.activation, &d.activation); try read(.nCritics, &d.nCritics)
        try read(.adamEpsilon, &d.adamEpsilon); try read(.useSde, &d.useSde); try read(.sdeSampleFreq, &d.sdeSampleFreq)
        try read(.logStdInit, &d.logStdInit); try read(.clipMean, &d.clipMean); try read(.stepsPerIteration, &d.stepsPerIteration)
        try read(.saveReplayBuffer, &d.saveReplayBuffer); try read(.seed, &d.seed)
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(learningRate, forKey: .learningRate); try c.encode(bufferSize, forKey: .bufferSize)
        try c.encode(learningStarts, forKey: .learningStarts); try c.encode(batchSize, forKey: .batchSize)
        try c.encode(tau, forKey: .tau); try c.encode(gamma, forKey: .gamma); try c.encode(trainFreq, forKey: .trainFreq)
        try c.encode(gradientSteps, forKey: .gradientSteps); try c.encode(entCoef, forKey: .entCoef)
        try c.encode(targetEntropy, forKey: .targetEntropy); try c.encode(targetUpdateInterval, forKey: .targetUpdateInterval)
        try c.encode(policyLayers, forKey: .policyLayers); try c.encode(criticLayers, forKey: .criticLayers)
        try c.encode(activation, forKey: .activation); try c.encode(nCritics, forKey: .nCritics)
        try c.encode(adamEpsilon, forKey: .adamEpsilon); try c.encode(useSde, forKey: .useSde)
        try c.encode(sdeSampleFreq, forKey: .sdeSampleFreq); try c.encode(logStdInit, forKey: .logStdInit)
        try c.encode(clipMean, forKey: .clipMean); try c.encode(stepsPerIteration, forKey: .stepsPerIteration)
        try c.encode(saveReplayBuffer, forKey: .saveReplayBuffer); try c.encode(seed, forKey: .seed)
    }

    /// Throws ``SACError/invalidConfiguration(_:)`` naming the first value out of range and
    /// what would be accepted.
    public func validate() throws {
        func check(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
            if !condition { throw SACError.invalidConfiguration(reason()) }
        }
        if let problem = learningRate.validationError { throw SACError.invalidConfiguration("learningRate: \(problem)") }
        try check(learningRate.value(at: 0) > 0, "learningRate must start positive, got \(learningRate)")
        try check(batchSize > 0, "batchSize must be positive, got \(batchSize)")
        try check(bufferSize >= 2, "bufferSize must be at least 2, got \(bufferSize)")
        try check(learningStarts >= 0, "learningStarts must be 0 or more, got \(learningStarts)")
        try check(tau > 0 && tau <= 1, "tau must lie in (0, 1], got \(tau)")
        try check(gamma >= 0 && gamma <= 1, "gamma must lie in [0, 1], got \(gamma)")
        try check(trainFreq > 0, "trainFreq must be positive, got \(trainFreq)")
        try check(gradientSteps >= 0, "gradientSteps must be 0 or more, got \(gradientSteps)")
        try check(targetUpdateInterval > 0, "targetUpdateInterval must be positive, got \(targetUpdateInterval)")
        switch entCoef {
        case let .fixed(value):
            try check(value >= 0 && value.isFinite, "entCoef must be 0 or more (or \"auto\"), got \(value)")
        case let .auto(initial):
            try check(initial > 0 && initial.isFinite, "entCoef auto_<initial> needs a positive initial α, got \(initial)")
        }
        if case let .value(value) = targetEntropy {
            try check(value.isFinite, "targetEntropy must be a finite number or \"auto\", got \(value)")
        }
        try check(!policyLayers.isEmpty && policyLayers.allSatisfy { $0 > 0 },
                  "policyLayers must hold at least one positive width, got \(policyLayers)")
        try check(!criticLayers.isEmpty && criticLayers.allSatisfy { $0 > 0 },
                  "criticLayers must hold at least one positive width, got \(criticLayers)")
        try check(nCritics >= 1, "nCritics must be at least 1, got \(nCritics)")
        try check(adamEpsilon >= 0 && adamEpsilon.isFinite, "adamEpsilon must be 0 or more, got \(adamEpsilon)")
        try check(logStdInit.isFinite, "logStdInit must be a finite number, got \(logStdInit)")
        try check(clipMean >= 0 && clipMean.isFinite, "clipMean must be 0 (no bound) or a positive bound, got \(clipMean)")
        try check(stepsPerIteration > 0, "stepsPerIteration must be positive, got \(stepsPerIteration)")
    }
}

/// Why a SAC agent cannot be built.
public enum SACError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    case unsupportedEnvironment(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(reason): return "SAC configuration: \(reason)"
        case let .unsupportedEnvironment(reason): return "SAC cannot train here: \(reason)"
        }
    }
}
