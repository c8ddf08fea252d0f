import Networks

/// Hyperparameters of ``A3CAgent``, named as the A3C paper (Mnih et al. 2016) and
/// Stable-Baselines3's `A2C` name them, in camelCase, so published settings carry over.
///
/// The defaults are tuned for CartPole-v1 on a two-core machine (measured with
/// `swiftrl bench a3c`; "solved" is the mean return of the last 20 training episodes
/// reaching 475):
/// - `nWorkers` 2: one worker thread per core. More workers than cores only time-slice the
///   same cores and make every gradient staler.
/// - `nSteps` 16 (the paper's t_max is 5): each worker acts in one environment, so a rollout
///   of 5 is a 5-sample gradient, and costs a lock, a weight copy and two small forward and
///   backward passes per 5 steps. With 16, two workers solved in 39k steps (median of seeds
///   1 to 10, all solved, every greedy evaluation 500) against 78k with 32, and sooner in wall
///   time (0.15 s against 0.20 s); 8 left one of three seeds unsolved with one worker and
///   another at a greedy return of 156.
/// - The paper's shared RMSprop (one set of statistics for all workers, ρ 0.99) with ε under
///   the square root as the paper's, but ε 1e-5 instead of its 0.1 (which damps CartPole's
///   small gradients); lr 3e-3 annealed linearly to 0 over 200k steps, as the paper anneals
///   it over the run. With 16-step rollouts 4e-3 left one of five seeds at 250 and 2e-3 took
///   51k steps; with 32, 4e-3 collapsed on some seeds and 1e-3 and 2e-3 took 1.7 to 2.7 times
///   the steps of 3e-3.
/// - No entropy bonus, as RL Zoo's CartPole A2C: with the paper's 0.01 the sampled policy
///   never settles and training returns stay below 475 even when the greedy policy scores 500.
/// - γ 0.99, n-step returns (GAE λ 1), value coefficient 0.5 and gradient norm 0.5 as SB3's
///   A2C, separate 64-64 tanh networks with orthogonal initialisation as SB3's.
public struct A3CConfig: Codable, Sendable, Equatable {
    /// Which rule updates the shared parameters.
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
        /// RMSprop with statistics shared by every worker: the paper's "shared RMSProp",
        /// which it found more robust than per-thread statistics.
        case rmsprop
        /// Adam, its moments shared the same way.
        case adam
        /// Plain gradient descent: no state at all, for checking what a worker applies.
        case sgd
    }

    /// Worker threads, each with its own environment copy and local networks (the paper's
    /// actor-learner threads).
    public var nWorkers = 2
    /// Steps each worker takes per update (the paper's t_max).
    public var nSteps = 16
    /// The learning rate as a function of environment steps (all workers together), as the
    /// paper anneals it over the global step counter T. The default reaches 0 at 200k steps,
    /// the preset's budget: a longer run needs a longer schedule, or it stops learning there.
    public var learningRate: LearningRateSchedule = .linear(from: 3e-3, to: 0, steps: 200_000)
    /// The discount factor γ.
    public var gamma: Double = 0.99
    /// GAE λ; 1 gives the paper's n-step returns `R = Σ γ^i r_{t+i} + γ^k V(s_{t+k})`.
    public var gaeLambda: Double = 1
    /// Entropy regularisation β (the paper uses 0.01).
    public var entCoef: Double = 0
    /// Weight of the value regression in the loss (the paper's ½ on the critic's squared error).
    public var vfCoef: Double = 0.5
    /// Clip each worker's gradients to this global norm before they are applied; nil: no clipping.
    public var maxGradNorm: Double? = 0.5
    /// Standardise the advantages of each rollout.
    public var normalizeAdvantage = false
    /// The rule that applies the workers' gradients to the shared parameters.
    public var optimizer: OptimizerKind = .rmsprop
    /// RMSprop's decay ρ (the paper's α, PyTorch's `alpha`) and ε, and where ε goes (see
    /// ``RMSprop``): the paper's ε 0.1 sits under the square root.
    public var rmspropRho: Double = 0.99
    public var rmspropEpsilon: Double = 1e-5
    public var rmspropEpsilonInsideSquareRoot = true
    /// Adam's ε, when `optimizer` is `adam` (SB3's 1e-5).
    public var adamEpsilon: Double = 1e-5
    /// Hidden widths of the policy network and of the value network (SB3's `net_arch`).
    public var policyLayers: [Int] = [64, 64]
    public var valueLayers: [Int] = [64, 64]
    public var activation: Activation = .tanh
    /// SB3's orthogonal initialisation (gain √2 for hidden layers, 0.01 for the policy
    /// output, 1 for the value output, zero biases); false: Keras' Glorot uniform.
    public var orthogonalInit = true
    /// An iteration runs the workers until this many environment steps (rounded up to whole
    /// rollouts) were taken, all workers together, then stops them.
    public var stepsPerIteration = 2_048
    /// The seed of the shared networks and, through streams split from it, of every worker.
    public var seed: UInt64 = 0

    /// The CartPole-v1-tuned defaults.
    public init() {}

    /// The paper's settings where they carry over to a small control task: t_max 5, shared
    /// RMSprop with α 0.99 and ε 0.1 under the square root, entropy 0.01, the learning rate
    /// annealed linearly to 0 (the paper samples it log-uniformly in [1e-4, 1e-2]; 7e-4 is
    /// SB3's A2C rate), and no gradient clipping. Not tuned; for comparison with the defaults.
    public static var paper: A3CConfig {
        var config = A3CConfig()
        config.nSteps = 5
        config.learningRate = .linear(from: 7e-4, to: 0, steps: 200_000)
        config.rmspropRho = 0.99
        config.rmspropEpsilon = 0.1
        config.rmspropEpsilonInsideSquareRoot = true
        config.entCoef = 0.01
        config.maxGradNorm = nil
        return config
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case nWorkers, nSteps, learningRate, gamma, gaeLambda, entCoef, vfCoef, maxGradNorm, normalizeAdvantage, optimizer,
             rmspropRho, rmspropEpsilon, rmspropEpsilonInsideSquareRoot, adamEpsilon, policyLayers, valueLayers, activation,
             orthogonalInit, stepsPerIteration, seed
    }

    /// Missing keys take their defaults, so a file only needs the values it changes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var d = A3CConfig()
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.nWorkers, &d.nWorkers); try read(.nSteps, &d.nSteps); try read(.learningRate, &d.learningRate)
        try read(.gamma, &d.gamma); try read(.gaeLambda, &d.gaeLambda); try read(.entCoef, &d.entCoef)
        try read(.vfCoef, &d.vfCoef)
        // An explicit null turns clipping off; a missing key keeps the default.
        if c.contains(.maxGradNorm) { d.maxGradNorm = try c.decodeIfPresent(Double.self, forKey: .maxGradNorm) }
        try read(.normalizeAdvantage, &d.normalizeAdvantage); try read(.optimizer, &d.optimizer)
        try read(.rmspropRho, &d.rmspropRho); try read(.rmspropEpsilon, &d.rmspropEpsilon)
        try read(.rmspropEpsilonInsideSquareRoot, &d.rmspropEpsilonInsideSquareRoot); try read(.adamEpsilon, &d.adamEpsilon)
        try read(.policyLayers, &d.policyLayers); try read(.valueLayers, &d.valueLayers); try read(.activation, &d.activation)
        try read(.orthogonalInit, &d.orthogonalInit); try read(.stepsPerIteration, &d.stepsPerIteration)
        try read(.seed, &d.seed)
        self = d
    }

    /// Every key, `maxGradNorm` as null when unset, so a dumped config shows all of them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nWorkers, forKey: .nWorkers); try c.encode(nSteps, forKey: .nSteps)
        try c.encode(learningRate, forKey: .learningRate); try c.encode(gamma, forKey: .gamma)
        try c.encode(gaeLambda, forKey: .gaeLambda); try c.encode(entCoef, forKey: .entCoef); try c.encode(vfCoef, forKey: .vfCoef)
        try c.encode(maxGradNorm, forKey: .maxGradNorm); try c.encode(normalizeAdvantage, forKey: .normalizeAdvantage)
        try c.encode(optimizer, forKey: .optimizer); try c.encode(rmspropRho, forKey: .rmspropRho)
        try c.encode(rmspropEpsilon, forKey: .rmspropEpsilon)
        try c.encode(rmspropEpsilonInsideSquareRoot, forKey: .rmspropEpsilonInsideSquareRoot)
        try c.encode(adamEpsilon, forKey: .adamEpsilon)
        try c.encode(policyLayers, forKey: .policyLayers); try c.encode(valueLayers, forKey: .valueLayers)
        try c.encode(activation, forKey: .activation); try c.encode(orthogonalInit, forKey: .orthogonalInit)
        try c.encode(stepsPerIteration, forKey: .stepsPerIteration); try c.encode(seed, forKey: .seed)
    }

    /// Throws ``A3CError/invalidConfiguration(field:reason:)`` naming the first value out of
    /// range and what would be valid.
    public func validate() throws {
        func check(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws {
            if !condition { throw A3CError.invalidConfiguration(field: field, reason: reason()) }
        }
        try check(nWorkers > 0, "nWorkers", "must be at least 1, got \(nWorkers)")
        // Each worker is an OS thread with its own environment and networks.
        try check(nWorkers <= 256, "nWorkers", "must be at most 256 (one thread each), got \(nWorkers)")
        try check(nSteps > 0, "nSteps", "must be positive, got \(nSteps)")
        try Self.checkLearningRate(learningRate)
        try check(gamma >= 0 && gamma <= 1, "gamma", "must lie in [0, 1], got \(gamma)")
        try check(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda", "must lie in [0, 1] (1: n-step returns), got \(gaeLambda)")
        try check(entCoef.isFinite, "entCoef", "must be finite, got \(entCoef)")
        try check(vfCoef.isFinite && vfCoef >= 0, "vfCoef", "must be finite and 0 or more, got \(vfCoef)")
        try check(maxGradNorm.map { $0 > 0 && $0.isFinite } ?? true, "maxGradNorm",
                  "must be positive, or null for no clipping, got \(maxGradNorm.map { "\($0)" } ?? "null")")
        try check(rmspropRho >= 0 && rmspropRho < 1, "rmspropRho", "must lie in [0, 1), got \(rmspropRho)")
        try check(rmspropEpsilon >= 0 && rmspropEpsilon.isFinite, "rmspropEpsilon", "must be finite and 0 or more, got \(rmspropEpsilon)")
        try check(adamEpsilon >= 0 && adamEpsilon.isFinite, "adamEpsilon", "must be finite and 0 or more, got \(adamEpsilon)")
        try check(policyLayers.allSatisfy { $0 > 0 }, "policyLayers", "must hold positive widths, got \(policyLayers)")
        try check(valueLayers.allSatisfy { $0 > 0 }, "valueLayers", "must hold positive widths, got \(valueLayers)")
        try check(stepsPerIteration > 0, "stepsPerIteration", "must be positive, got \(stepsPerIteration)")
    }

    /// Schedules are monotone or piecewise constant, so their extremes sit at step 0, at a
    /// boundary or in the limit; probing those catches a negative or non-finite rate before
    /// a worker thread would meet it (or a schedule's own precondition would stop the process).
    static func checkLearningRate(_ schedule: LearningRateSchedule) throws {
        func fail(_ reason: String) -> A3CError { .invalidConfiguration(field: "learningRate", reason: reason) }
        var probes = [0, 1, 1_000_000_000]
        switch schedule {
        case let .linear(_, _, steps): probes.append(max(steps, 0))
        case let .polynomialDecay(_, decaySteps, _, _): probes.append(max(decaySteps, 0))
        case let .piecewiseConstant(boundaries, values):
            guard values.count == boundaries.count + 1 else {
                throw fail("a piecewise-constant schedule needs one more value than boundaries, got \(values.count) and \(boundaries.count)")
            }
            probes += boundaries.flatMap { [max($0, 0), max($0 + 1, 0)] }
        case let .power(_, steps, _) where !(steps > 0):
            throw fail("a power schedule needs steps > 0, got \(steps)")
        case let .exponential(_, decaySteps, _, _) where decaySteps <= 0:
            throw fail("an exponential schedule needs decaySteps > 0, got \(decaySteps)")
        default: break
        }
        for step in probes {
            let value = schedule.value(at: step)
            guard value.isFinite, value >= 0 else { throw fail("must stay finite and 0 or more, but is \(value) at step \(step)") }
        }
        guard schedule.value(at: 0) > 0 else { throw fail("must start above 0, got \(schedule.value(at: 0))") }
    }
}

/// Why an A3C agent cannot be built, restored or trained.
public enum A3CError: Error, Equatable, CustomStringConvertible {
    /// `field` of ``A3CConfig`` is out of range.
    case invalidConfiguration(field: String, reason: String)
    /// The environment's spaces are ones A3C cannot act in (it needs a Discrete action space).
    case unsupportedEnvironment(String)
    /// A worker's environment or policy failed on its thread; the other workers were stopped.
    case workerFailed(worker: Int, reason: String)
    /// Resuming, the episode in progress at the checkpoint could not be replayed to where it
    /// stood: the environment does not behave the same under the same seed and actions.
    case episodeReplayDiverged(environment: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, reason):
            return "A3C configuration: \(field) \(reason); set a valid value (e.g. --set agent.\(field)=...)"
        case let .unsupportedEnvironment(reason): return "A3C cannot train here: \(reason)"
        case let .workerFailed(worker, reason):
            return "A3C worker \(worker) failed: \(reason); every worker was stopped and joined, the last checkpoint is intact"
        case let .episodeReplayDiverged(environment, reason):
            return "A3C cannot continue the episode of \(environment) in progress at the checkpoint: \(reason). "
                + "The environment is not deterministic under a seed; resume needs one that is"
        }
    }
}
