import Environments
import Networks
import Randomness
import Tensors

/// Advantage actor-critic (Mnih et al. 2016, the synchronous form): `nEnvs` copies of the
/// environment step together under the sampling policy for `nSteps` steps into a
/// ``RolloutBuffer``; the value network values the rollout in one batch; GAE(λ) (λ = 1: n-step
/// returns) gives the advantages; one RMSprop step on ``ActorCriticLoss/a2c(logProbabilities:advantages:entropies:values:returns:valueCoefficient:entropyCoefficient:)``
/// follows, as Stable-Baselines3's `A2C` does.
///
/// Collection (``ActorCriticCore/collect(gamma:lambda:)``: the shared ``Driver`` observed by
/// the buffer) and learning are separate steps. Discrete actions take a categorical policy,
/// `Box` actions a diagonal Gaussian with a learned, state-independent log σ.
///
/// Checkpoints hold the networks, the optimizer state, the counters and the generators; the
/// episodes in progress when one is taken restart on resume (A2C's copies are never all
/// between episodes at once), so a resumed run continues the same training but not the
/// identical trajectory.
public final class A2CAgent: Agent {
    public static let algorithmName = "a2c"

    public let config: A2CConfig
    /// Networks, rollout buffer and driver, shared in form with PPO.
    public let core: ActorCriticCore
    public let optimizer: RMSprop
    public private(set) var iterations = 0
    /// Gradient updates applied so far (one per rollout).
    public private(set) var updates = 0
    public var environmentSteps: Int { core.driver.totalSteps }
    /// The most probable action.
    public var policy: any Policy { core.greedy }
    /// Actions drawn from the softmax of the logits.
    public var collectPolicy: any Policy { core.sampling }
    public var policyNetwork: Sequential { core.policyNetwork }
    public var valueNetwork: Sequential { core.valueNetwork }
    public var rolloutBuffer: RolloutBuffer { core.rolloutBuffer }
    private var lastLosses: ActorCriticLoss.Output?

    /// Builds the agent over `environments` (`config.nEnvs` fresh copies of one environment).
    public init(config: A2CConfig, environments: [any Environment]) throws {
        try config.validate()
        guard environments.count == config.nEnvs else {
            throw A2CError.invalidConfiguration("nEnvs is \(config.nEnvs) but \(environments.count) environments were given")
        }
        core = try ActorCriticCore(
            algorithm: "A2C", environments: environments, nSteps: config.nSteps,
            network: config.networkSettings,
            seed: config.seed, gamma: config.gamma, unsupportedEnvironment: A2CError.unsupportedEnvironment)
        self.config = config
        optimizer = RMSprop(parameters: core.parameters, learningRate: .constant(Float(config.learningRate)),
                            rho: Float(config.rmspropRho), epsilon: Float(config.rmspropEpsilon),
                            epsilonInsideSquareRoot: config.rmspropEpsilonInsideSquareRoot,
                            initialSquareAverage: Float(config.rmspropInitialSquareAverage))
    }

    /// The factory the algorithm registry calls: `nEnvs` environments from `makeEnvironment`.
    public static func make(config: A2CConfig, makeEnvironment: () throws -> any Environment) throws -> A2CAgent {
        try config.validate()
        return try A2CAgent(config: config, environments: (0..<config.nEnvs).map { _ in try makeEnvironment() })
    }

    /// One rollout of `nSteps` steps in every copy, then one gradient step on it.
    public func update() throws {
        let observations = try core.collect(gamma: Float(config.gamma), lambda: Float(config.gaeLambda))
        var (output, gradients) = core.a2cLossAndGradients(
            observations: observations, normalizeAdvantage: config.normalizeAdvantage,
            valueCoefficient: Float(config.vfCoef), entropyCoefficient: Float(config.entCoef))
        if let maxGradNorm = config.maxGradNorm {
            gradients = clipByGlobalNorm(gradients, maxNorm: Float(maxGradNorm)).clipped
        }
        optimizer.step(gradients)
        lastLosses = output
        updates += 1
        core.updateObservationStatistics()
    }

    /// Updates until at least ``A2CConfig/stepsPerIteration`` environment steps were taken.
    /// Reports `losses/policy_loss`, `losses/value_loss`, `losses/entropy` (of the last
    /// update) and `charts/updates`.
    public func trainIteration() throws -> IterationReport {
        let start = environmentSteps
        repeat { try update() } while environmentSteps - start < config.stepsPerIteration
        iterations += 1
        var scalars: [String: Double] = ["charts/updates": Double(updates)]
        if let lastLosses {
            scalars["losses/policy_loss"] = Double(lastLosses.policyLoss)
            scalars["losses/value_loss"] = Double(lastLosses.valueLoss)
            scalars["losses/entropy"] = Double(lastLosses.entropy)
        }
        return IterationReport(episodes: core.takeFinishedEpisodes(), scalars: scalars)
    }

    // MARK: Checkpoints

    private struct State: Codable {
        var iterations: Int
        var updates: Int
        var driver: Driver.Snapshot
        var config: A2CConfig
    }

    public func checkpoint() throws -> AgentCheckpoint {
        var checkpoint = AgentCheckpoint()
        try core.append(to: &checkpoint, optimizer: optimizer)
        try checkpoint.encode(State(iterations: iterations, updates: updates, driver: core.driver.snapshot, config: config),
                              forKey: "a2c")
        return checkpoint
    }

    public func restore(from checkpoint: AgentCheckpoint) throws {
        let state = try checkpoint.decode(State.self, forKey: "a2c")
        guard state.config == config else {
            throw AgentCheckpointError.mismatch("it was written with another A2C configuration; resume with the one it was written with")
        }
        try core.restore(from: checkpoint, optimizer: optimizer, driver: state.driver)
        iterations = state.iterations
        updates = state.updates
    }
}
