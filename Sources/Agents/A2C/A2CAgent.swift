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
/// Collection (the shared ``Driver``, observed by the buffer) and learning (``update()``)
/// are separate steps, so other collectors can feed the same learner. Discrete action spaces.
///
/// Checkpoints hold the networks, the optimizer state, the counters and the generators; the
/// episodes in progress when one is taken restart on resume (A2C's copies are never all
/// between episodes at once), so a resumed run continues the same training but not the
/// identical trajectory.
public final class A2CAgent: Agent {
    public static let algorithmName = "a2c"

    public let config: A2CConfig
    public let environments: [any Environment]
    /// Observations to action logits.
    public let policyNetwork: Sequential
    /// Observations to V(s), `[batch, 1]`.
    public let valueNetwork: Sequential
    public let optimizer: RMSprop
    public let rolloutBuffer: RolloutBuffer
    public private(set) var driver: Driver!
    public private(set) var iterations = 0
    /// Gradient updates applied so far (one per rollout).
    public private(set) var updates = 0
    public var environmentSteps: Int { driver.totalSteps }
    /// The most probable action.
    public var policy: any Policy { greedy }
    /// Actions drawn from the softmax of the logits.
    public var collectPolicy: any Policy { sampling }

    private let encoder: ObservationEncoder
    private let greedy: DiscreteNetworkPolicy
    private let sampling: DiscreteNetworkPolicy
    private let statistics = EpisodeStatisticsBuffer(bufferSize: 1)
    private var finished: [EpisodeSummary] = []
    private var lastLosses: ActorCriticLoss.Output?

    /// Builds the agent over `environments` (`config.nEnvs` fresh copies of one environment).
    public init(config: A2CConfig, environments: [any Environment]) throws {
        try config.validate()
        guard environments.count == config.nEnvs else {
            throw A2CError.invalidConfiguration("nEnvs is \(config.nEnvs) but \(environments.count) environments were given")
        }
        let environment = environments[0]
        guard case let .discrete(n, _) = environment.actionSpace else {
            throw A2CError.unsupportedEnvironment("this A2C acts in Discrete action spaces, \(environment.id) has "
                + "\(environment.actionSpace)")
        }
        self.config = config
        self.environments = environments
        encoder = ObservationEncoder(space: environment.observationSpace)
        var generator = RandomGenerator(seed: config.seed)
        policyNetwork = Self.network(inputShape: encoder.featureShape, hidden: config.policyLayers, outputs: n,
                                     outputGain: 0.01, config: config, generator: &generator)
        valueNetwork = Self.network(inputShape: encoder.featureShape, hidden: config.valueLayers, outputs: 1,
                                    outputGain: 1, config: config, generator: &generator)
        optimizer = RMSprop(parameters: policyNetwork.parameters + valueNetwork.parameters,
                            learningRate: .constant(Float(config.learningRate)), rho: Float(config.rmspropRho),
                            epsilon: Float(config.rmspropEpsilon), epsilonInsideSquareRoot: config.rmspropEpsilonInsideSquareRoot)
        rolloutBuffer = try RolloutBuffer(steps: config.nSteps, environmentCount: config.nEnvs,
                                          observationSpace: environment.observationSpace, actionSpace: environment.actionSpace)
        sampling = try DiscreteNetworkPolicy(network: policyNetwork, observationSpace: environment.observationSpace,
                                             actionSpace: environment.actionSpace, mode: .sample)
        greedy = try DiscreteNetworkPolicy(network: policyNetwork, observationSpace: environment.observationSpace,
                                           actionSpace: environment.actionSpace, mode: .greedy)
        statistics.onEpisodeEnd = { [unowned self] episodeReturn, length in
            self.finished.append(EpisodeSummary(episodeReturn: episodeReturn, length: length))
        }
        driver = Driver(environments: environments, policy: sampling, observers: [rolloutBuffer, statistics], seed: config.seed)
    }

    /// The factory the algorithm registry calls: `nEnvs` environments from `makeEnvironment`.
    public static func make(config: A2CConfig, makeEnvironment: () throws -> any Environment) throws -> A2CAgent {
        try config.validate()
        return try A2CAgent(config: config, environments: (0..<config.nEnvs).map { _ in try makeEnvironment() })
    }

    /// A multilayer perceptron with SB3's orthogonal initialisation (gain √2 for hidden
    /// layers, `outputGain` for the output, zero biases) or Keras' Glorot uniform.
    static func network(inputShape: [Int], hidden: [Int], outputs: Int, outputGain: Float, config: A2CConfig,
                        generator: inout RandomGenerator) -> Sequential {
        var layers: [any Layer] = inputShape.count > 1 ? [Flatten()] : []
        var width = inputShape.reduce(1, *)
        for units in hidden {
            layers.append(Dense(inputSize: width, outputSize: units, activation: config.activation,
                                weightInitializer: config.orthogonalInit ? .orthogonal(gain: Float(2).squareRoot()) : .glorotUniform,
                                biasInitializer: .zeros, generator: &generator))
            width = units
        }
        layers.append(Dense(inputSize: width, outputSize: outputs,
                            weightInitializer: config.orthogonalInit ? .orthogonal(gain: outputGain) : .glorotUniform,
                            biasInitializer: .zeros, generator: &generator))
        return Sequential(layers)
    }

    /// V(s) of `observations`, without recording.
    private func values(of observations: [Observation]) throws -> [Float] {
        guard !observations.isEmpty else { return [] }
        var x = Tensor(uninitializedShape: [observations.count] + encoder.featureShape)
        let width = encoder.featureCount
        try x.withUnsafeMutableBufferPointer { out in
            for (i, observation) in observations.enumerated() { try encoder.encode(observation, into: out.baseAddress! + i * width) }
        }
        return withoutGradient { valueNetwork(x) }.scalars
    }

    /// One rollout of `nSteps` steps in every copy, then one gradient step on it.
    public func update() throws {
        rolloutBuffer.reset()
        try driver.run(steps: config.nSteps * config.nEnvs)
        let count = rolloutBuffer.capacity
        let observations = Tensor(shape: [count] + encoder.featureShape, scalars: rolloutBuffer.observations)
        rolloutBuffer.setValues(withoutGradient { valueNetwork(observations) }.scalars)
        // The values bootstrapped from: truncated episodes' final observations, and each
        // copy's next observation (a copy between episodes ended on its last step, and needs none).
        let truncations = rolloutBuffer.truncations
        let next = (0..<config.nEnvs).map { driver.currentObservation(of: $0) }
        let bootstrap = try values(of: truncations.map(\.observation) + next.compactMap { $0 })
        for (i, truncation) in truncations.enumerated() { rolloutBuffer.setFinalValue(bootstrap[i], forSlot: truncation.slot) }
        var remaining = bootstrap.dropFirst(truncations.count).makeIterator()
        let lastValues = next.map { $0 == nil ? 0 : remaining.next()! }
        rolloutBuffer.computeReturnsAndAdvantages(lastValues: lastValues, gamma: Float(config.gamma), lambda: Float(config.gaeLambda))
        let advantages = Tensor(config.normalizeAdvantage ? RolloutBuffer.normalized(rolloutBuffer.advantages) : rolloutBuffer.advantages)
        let returns = Tensor(rolloutBuffer.returns)
        let actions = IndexTensor(rolloutBuffer.discreteActions)
        var output: ActorCriticLoss.Output?
        optimizer.minimize(maxGradientNorm: config.maxGradNorm.map(Float.init)) {
            let distribution = Categorical(logits: policyNetwork(observations))
            let result = ActorCriticLoss.a2c(
                logProbabilities: distribution.logProbability(of: actions), advantages: advantages,
                entropies: distribution.entropy(), values: valueNetwork(observations).reshaped([count]), returns: returns,
                valueCoefficient: Float(config.vfCoef), entropyCoefficient: Float(config.entCoef))
            output = result
            return result.loss
        }
        lastLosses = output
        updates += 1
    }

    /// Updates until at least ``A2CConfig/stepsPerIteration`` environment steps were taken.
    /// Reports `losses/policy_loss`, `losses/value_loss`, `losses/entropy` (of the last
    /// update) and `charts/updates`.
    public func trainIteration() throws -> IterationReport {
        finished.removeAll()
        let start = driver.totalSteps
        repeat { try update() } while driver.totalSteps - start < config.stepsPerIteration
        iterations += 1
        var scalars: [String: Double] = ["charts/updates": Double(updates)]
        if let lastLosses {
            scalars["losses/policy_loss"] = Double(lastLosses.policyLoss)
            scalars["losses/value_loss"] = Double(lastLosses.valueLoss)
            scalars["losses/entropy"] = Double(lastLosses.entropy)
        }
        return IterationReport(episodes: finished, scalars: scalars)
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
        for (name, parameter) in policyNetwork.namedParameters { checkpoint.tensors.append(("policy.\(name)", parameter.detachedValue)) }
        for (name, parameter) in valueNetwork.namedParameters { checkpoint.tensors.append(("value.\(name)", parameter.detachedValue)) }
        for (name, tensor) in optimizer.stateTensors() { checkpoint.tensors.append(("optimizer.\(name)", tensor)) }
        try checkpoint.encode(State(iterations: iterations, updates: updates, driver: driver.snapshot, config: config), forKey: "a2c")
        return checkpoint
    }

    public func restore(from checkpoint: AgentCheckpoint) throws {
        let state = try checkpoint.decode(State.self, forKey: "a2c")
        guard state.config == config else {
            throw AgentCheckpointError.mismatch("it was written with another A2C configuration; resume with the one it was written with")
        }
        func tensors(_ prefix: String) -> [(name: String, tensor: Tensor)] {
            checkpoint.tensors.filter { $0.name.hasPrefix(prefix) }.map { (String($0.name.dropFirst(prefix.count)), $0.tensor) }
        }
        do {
            for (prefix, network) in [("policy.", policyNetwork), ("value.", valueNetwork)] {
                try network.load(from: SafeTensorsFile(entries: tensors(prefix).map { ($0.name, .float32($0.tensor)) }))
            }
            try optimizer.loadState(tensors("optimizer."))
        } catch let error as AgentCheckpointError {
            throw error
        } catch {
            throw AgentCheckpointError.mismatch("\(error)")
        }
        try driver.restore(state.driver)
        iterations = state.iterations
        updates = state.updates
    }
}
