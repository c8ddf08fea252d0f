import Environments
import Networks
import Randomness
import Tensors

/// What the on-policy actor-critic agents (A2C, PPO) share: separate policy and value
/// networks (SB3's default for MLP policies), the ``Driver`` collecting into a
/// ``RolloutBuffer``, the bootstrapped returns, and the checkpointed weights. Collection
/// here is separate from each algorithm's learning step.
public final class ActorCriticCore {
    /// The network shapes and initialisation.
    public struct NetworkSettings: Sendable, Equatable {
        public var policyLayers: [Int]
        public var valueLayers: [Int]
        public var activation: Activation
        /// SB3's orthogonal initialisation (gain √2 hidden, 0.01 policy output, 1 value
        /// output, zero biases); false: Keras' Glorot uniform.
        public var orthogonalInit: Bool
    }

    public let environments: [any Environment]
    /// Observations to action logits.
    public let policyNetwork: Sequential
    /// Observations to V(s), `[batch, 1]`.
    public let valueNetwork: Sequential
    public let rolloutBuffer: RolloutBuffer
    public private(set) var driver: Driver!
    public let encoder: ObservationEncoder
    /// The most probable action.
    public let greedy: DiscreteNetworkPolicy
    /// Actions drawn from the softmax of the logits.
    public let sampling: DiscreteNetworkPolicy
    /// Episodes finished since ``takeFinishedEpisodes()`` was last called.
    private var finished: [EpisodeSummary] = []
    private let statistics = EpisodeStatisticsBuffer(bufferSize: 1)

    /// Networks drawn from `seed`'s generator and a driver seeded with `seed`. For a
    /// non-discrete action space it throws `unsupportedEnvironment(reason)`.
    public init(algorithm: String, environments: [any Environment], nSteps: Int, network: NetworkSettings, seed: UInt64,
                unsupportedEnvironment: (String) -> any Error) throws {
        let environment = environments[0]
        guard case let .discrete(n, _) = environment.actionSpace else {
            throw unsupportedEnvironment("this \(algorithm) acts in Discrete action spaces, \(environment.id) has \(environment.actionSpace)")
        }
        self.environments = environments
        encoder = ObservationEncoder(space: environment.observationSpace)
        var generator = RandomGenerator(seed: seed)
        policyNetwork = Self.network(inputShape: encoder.featureShape, hidden: network.policyLayers, outputs: n,
                                     outputGain: 0.01, settings: network, generator: &generator)
        valueNetwork = Self.network(inputShape: encoder.featureShape, hidden: network.valueLayers, outputs: 1,
                                    outputGain: 1, settings: network, generator: &generator)
        rolloutBuffer = try RolloutBuffer(steps: nSteps, environmentCount: environments.count,
                                          observationSpace: environment.observationSpace, actionSpace: environment.actionSpace)
        sampling = try DiscreteNetworkPolicy(network: policyNetwork, observationSpace: environment.observationSpace,
                                             actionSpace: environment.actionSpace, mode: .sample)
        greedy = try DiscreteNetworkPolicy(network: policyNetwork, observationSpace: environment.observationSpace,
                                           actionSpace: environment.actionSpace, mode: .greedy)
        statistics.onEpisodeEnd = { [unowned self] episodeReturn, length in
            self.finished.append(EpisodeSummary(episodeReturn: episodeReturn, length: length))
        }
        driver = Driver(environments: environments, policy: sampling, observers: [rolloutBuffer, statistics], seed: seed)
    }

    /// Both networks' parameters, policy first.
    public var parameters: [Parameter] { policyNetwork.parameters + valueNetwork.parameters }

    /// The episodes finished since the last call.
    public func takeFinishedEpisodes() -> [EpisodeSummary] {
        defer { finished.removeAll() }
        return finished
    }

    static func network(inputShape: [Int], hidden: [Int], outputs: Int, outputGain: Float, settings: NetworkSettings,
                        generator: inout RandomGenerator) -> Sequential {
        makeMultilayerPerceptron(
            inputShape: inputShape, hiddenUnits: hidden, activation: settings.activation, outputCount: outputs,
            hiddenInitializer: settings.orthogonalInit ? .orthogonal(gain: Float(2).squareRoot()) : .glorotUniform,
            outputInitializer: settings.orthogonalInit ? .orthogonal(gain: outputGain) : .glorotUniform, generator: &generator)
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

    /// Collects `nSteps` steps in every copy, values the rollout in one batch, and computes
    /// GAE(λ) advantages and returns, bootstrapping truncated episodes from their final
    /// observations and unfinished ones from the next observation. Returns the rollout's
    /// observations `[slots] + featureShape`.
    public func collect(gamma: Float, lambda: Float) throws -> Tensor {
        rolloutBuffer.reset()
        try driver.run(steps: rolloutBuffer.capacity)
        let observations = Tensor(shape: [rolloutBuffer.capacity] + encoder.featureShape, scalars: rolloutBuffer.observations)
        rolloutBuffer.setValues(withoutGradient { valueNetwork(observations) }.scalars)
        let truncations = rolloutBuffer.truncations
        // A copy between episodes ended on its last step, and needs no next value.
        let next = environments.indices.map { driver.currentObservation(of: $0) }
        let bootstrap = try values(of: truncations.map(\.observation) + next.compactMap { $0 })
        for (i, truncation) in truncations.enumerated() { rolloutBuffer.setFinalValue(bootstrap[i], forSlot: truncation.slot) }
        var remaining = bootstrap.dropFirst(truncations.count).makeIterator()
        let lastValues = next.map { $0 == nil ? 0 : remaining.next()! }
        rolloutBuffer.computeReturnsAndAdvantages(lastValues: lastValues, gamma: gamma, lambda: lambda)
        return observations
    }

    // MARK: Checkpoints

    /// Adds the networks' weights and `optimizer`'s state, as `policy.*`, `value.*`, `optimizer.*`.
    public func append(to checkpoint: inout AgentCheckpoint, optimizer: any Optimizer) {
        checkpoint.append(policyNetwork, prefix: "policy.")
        checkpoint.append(valueNetwork, prefix: "value.")
        checkpoint.append(optimizer, prefix: "optimizer.")
    }

    /// Loads what ``append(to:optimizer:)`` wrote and the driver's counters.
    public func restore(from checkpoint: AgentCheckpoint, optimizer: any Optimizer, driver snapshot: Driver.Snapshot) throws {
        try checkpoint.load([("policy.", policyNetwork), ("value.", valueNetwork)], optimizer: optimizer,
                            optimizerPrefix: "optimizer.")
        try driver.restore(snapshot)
    }
}
