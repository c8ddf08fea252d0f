import Environments
import Networks
import Randomness
import Tensors

/// Proximal policy optimisation (Schulman et al. 2017) with the clipped surrogate, as
/// Stable-Baselines3's `PPO` runs it: a rollout of `nSteps` steps in each of `nEnvs` copies
/// (``ActorCriticCore``), GAE(λ) advantages, then `nEpochs` passes over shuffled
/// minibatches of `batchSize`, each one Adam step on
/// ``ActorCriticLoss/ppo(logProbabilities:oldLogProbabilities:advantages:entropies:values:oldValues:returns:clipRange:valueClipRange:valueCoefficient:entropyCoefficient:)``
/// with advantages normalised per minibatch and the global gradient norm clipped; the
/// learning rate and clip range follow their schedules over environment steps, and a
/// `targetKL` stops a rollout's epochs early. Discrete actions take a categorical policy,
/// `Box` actions a diagonal Gaussian with a learned, state-independent log σ (SB3's `log_std`).
///
/// Checkpoints hold the networks, the optimizer state, counters and generators; episodes in
/// progress restart on resume (see ``A2CAgent``).
public final class PPOAgent: Agent {
    public static let algorithmName = "ppo"

    public let config: PPOConfig
    public let core: ActorCriticCore
    public let optimizer: Adam
    public private(set) var iterations = 0
    /// Minibatch steps applied so far.
    public private(set) var gradientSteps = 0
    public var environmentSteps: Int { core.driver.totalSteps }
    public var policy: any Policy { core.greedy }
    public var collectPolicy: any Policy { core.sampling }
    private var minibatchGenerator: RandomGenerator
    private var diagnostics: [String: Double] = [:]

    public init(config: PPOConfig, environments: [any Environment]) throws {
        try config.validate()
        guard environments.count == config.nEnvs else {
            throw PPOError.invalidConfiguration("nEnvs is \(config.nEnvs) but \(environments.count) environments were given")
        }
        core = try ActorCriticCore(
            algorithm: "PPO", environments: environments, nSteps: config.nSteps,
            network: config.networkSettings,
            seed: config.seed, gamma: config.gamma, unsupportedEnvironment: PPOError.unsupportedEnvironment)
        self.config = config
        // The rate is set from the schedule over environment steps before each rollout's epochs.
        optimizer = Adam(parameters: core.parameters, learningRate: .constant(config.learningRate.value(at: 0)),
                         epsilon: Float(config.adamEpsilon))
        var generator = RandomGenerator(seed: config.seed)
        minibatchGenerator = generator.split()
    }

    /// The factory the algorithm registry calls: `nEnvs` environments from `makeEnvironment`.
    public static func make(config: PPOConfig, makeEnvironment: () throws -> any Environment) throws -> PPOAgent {
        try config.validate()
        return try PPOAgent(config: config, environments: (0..<config.nEnvs).map { _ in try makeEnvironment() })
    }

    /// One rollout, then the epochs of minibatch steps on it.
    public func update() throws {
        let observations = try core.collect(gamma: Float(config.gamma), lambda: Float(config.gaeLambda))
        let buffer = core.rolloutBuffer
        // SB3 reads both schedules once per rollout, from the steps taken so far.
        optimizer.learningRate = config.learningRate.value(at: environmentSteps)
        let clipRange = config.clipRange.value(at: environmentSteps)
        let width = core.encoder.featureCount
        var sums = (policy: 0.0, value: 0.0, entropy: 0.0, kl: 0.0, clip: 0.0), count = 0.0
        var stoppedEarly = false
        epochs: for _ in 0..<config.nEpochs {
            for rows in buffer.minibatches(size: config.batchSize, using: &minibatchGenerator) {
                let b = rows.count
                var x = [Float](repeating: 0, count: b * width)
                observations.withUnsafeBufferPointer { source in
                    for (i, row) in rows.enumerated() {
                        for j in 0..<width { x[i * width + j] = source[row * width + j] }
                    }
                }
                let batch = Tensor(shape: [b] + core.encoder.featureShape, scalars: x)
                let advantages = rows.map { buffer.advantages[$0] }
                let normalized = config.normalizeAdvantage && b > 1 ? RolloutBuffer.normalized(advantages) : advantages
                let actions = core.actions(rows: rows)
                let old = Tensor(rows.map { buffer.logProbabilities[$0] })
                let oldValues = Tensor(rows.map { buffer.values[$0] }), returns = Tensor(rows.map { buffer.returns[$0] })
                let advantageTensor = Tensor(normalized)
                var (result, gradients) = core.lossAndGradients(observations: batch, actions: actions, actor: { logProbabilities, entropies in
                    ActorCriticLoss.ppoActor(logProbabilities: logProbabilities, oldLogProbabilities: old, advantages: advantageTensor,
                                             entropies: entropies, clipRange: clipRange, entropyCoefficient: Float(config.entCoef))
                }, critic: { values in
                    ActorCriticLoss.ppoCritic(values: values, oldValues: oldValues, returns: returns,
                                              valueClipRange: config.clipRangeVf.map(Float.init), valueCoefficient: Float(config.vfCoef))
                })
                sums.policy += Double(result.policyLoss); sums.value += Double(result.valueLoss)
                sums.entropy += Double(result.entropy); sums.kl += Double(result.approximateKL)
                sums.clip += Double(result.clipFraction); count += 1
                // SB3 checks the KL before stepping, so the step that would overshoot is not taken.
                if let targetKL = config.targetKL, Double(result.approximateKL) > 1.5 * targetKL {
                    stoppedEarly = true
                    break epochs
                }
                if let maxGradNorm = config.maxGradNorm {
                    gradients = clipByGlobalNorm(gradients, maxNorm: Float(maxGradNorm)).clipped
                }
                optimizer.step(gradients)
                gradientSteps += 1
            }
        }
        core.updateObservationStatistics()
        diagnostics = ["losses/policy_loss": sums.policy / count, "losses/value_loss": sums.value / count,
                       "losses/entropy": sums.entropy / count, "losses/approx_kl": sums.kl / count,
                       "losses/clip_fraction": sums.clip / count, "charts/learning_rate": Double(optimizer.learningRate),
                       "charts/clip_range": Double(clipRange), "charts/stopped_early": stoppedEarly ? 1 : 0]
    }

    /// Rollouts and their updates until at least ``PPOConfig/stepsPerIteration`` environment
    /// steps were taken; reports the last rollout's mean losses, approximate KL and clip fraction.
    public func trainIteration() throws -> IterationReport {
        let start = environmentSteps
        repeat { try update() } while environmentSteps - start < config.stepsPerIteration
        iterations += 1
        var scalars = diagnostics
        scalars["charts/gradient_steps"] = Double(gradientSteps)
        return IterationReport(episodes: core.takeFinishedEpisodes(), scalars: scalars)
    }

    // MARK: Checkpoints

    private struct State: Codable {
        var iterations: Int
        var gradientSteps: Int
        var driver: Driver.Snapshot
        var minibatchGenerator: RandomGenerator
        var config: PPOConfig
    }

    public func checkpoint() throws -> AgentCheckpoint {
        var checkpoint = AgentCheckpoint()
        try core.append(to: &checkpoint, optimizer: optimizer)
        try checkpoint.encode(State(iterations: iterations, gradientSteps: gradientSteps, driver: core.driver.snapshot,
                                    minibatchGenerator: minibatchGenerator, config: config), forKey: "ppo")
        return checkpoint
    }

    public func restore(from checkpoint: AgentCheckpoint) throws {
        let state = try checkpoint.decode(State.self, forKey: "ppo")
        guard state.config == config else {
            throw AgentCheckpointError.mismatch("it was written with another PPO configuration; resume with the one it was written with")
        }
        try core.restore(from: checkpoint, optimizer: optimizer, driver: state.driver)
        minibatchGenerator = state.minibatchGenerator
        iterations = state.iterations
        gradientSteps = state.gradientSteps
    }
}
