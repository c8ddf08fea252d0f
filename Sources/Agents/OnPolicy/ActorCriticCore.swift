import Environments
import Networks
import Randomness
import Tensors

/// What the on-policy actor-critic agents (A2C, PPO, each A3C worker) share: the policy and
/// value networks (separate, SB3's default for MLP policies, or on one shared trunk), the
/// action distribution (categorical, Gaussian or gSDE), the optional VecNormalize-style
/// normalisation, the ``Driver`` collecting into a ``RolloutBuffer``, the bootstrapped
/// returns, and the checkpointed state. Collection here is separate from each algorithm's
/// learning step.
public final class ActorCriticCore {
    /// The network shapes and initialisation.
    public struct NetworkSettings: Sendable, Equatable {
        public var policyLayers: [Int]
        public var valueLayers: [Int]
        public var activation: Activation
        /// SB3's orthogonal initialisation (gain √2 hidden, 0.01 policy output, 1 value
        /// output, zero biases); false: Keras' Glorot uniform.
        public var orthogonalInit: Bool
        /// The initial log σ of a Gaussian policy (SB3's `log_std_init`); unused for discrete actions.
        public var logStdInit: Float = 0
        /// Standardise observations with running statistics (``ObservationNormalization``).
        public var normalizeObservation = false
        /// Scale rewards by the running deviation of the discounted return (``RewardNormalization``).
        public var normalizeReward = false
        /// Explore `Box` actions with gSDE (``StateDependentNoisePolicy``) instead of per-step noise.
        public var useSde = false
        /// Steps between gSDE's noise draws; 0 or less: once per rollout (SB3's `sde_sample_freq`).
        public var sdeSampleFreq = -1
        /// Convolutions (valid padding) before the dense layers, for image observations
        /// `[height, width, channels]`.
        public var convLayerParams: [QNetworkConfig.ConvLayer] = []
        /// One trunk (the convolutions and `policyLayers`) feeding both heads, as the A3C
        /// paper's Atari network and SB3's CNN policies; false: separate networks.
        public var shareTrunk = false
        /// Where image observations keep their channels; `.channelsFirst` reads
        /// ``Environments/FrameStack``'s `[4, 84, 84]` stacks.
        public var inputLayout: QNetworkConfig.InputLayout = .channelsLast

        public init(policyLayers: [Int], valueLayers: [Int], activation: Activation, orthogonalInit: Bool,
                    logStdInit: Float = 0, normalizeObservation: Bool = false, normalizeReward: Bool = false,
                    useSde: Bool = false, sdeSampleFreq: Int = -1, convLayerParams: [QNetworkConfig.ConvLayer] = [],
                    shareTrunk: Bool = false, inputLayout: QNetworkConfig.InputLayout = .channelsLast) {
            self.policyLayers = policyLayers
            self.valueLayers = valueLayers
            self.activation = activation
            self.orthogonalInit = orthogonalInit
            self.logStdInit = logStdInit
            self.normalizeObservation = normalizeObservation
            self.normalizeReward = normalizeReward
            self.useSde = useSde
            self.sdeSampleFreq = sdeSampleFreq
            self.convLayerParams = convLayerParams
            self.shareTrunk = shareTrunk
            self.inputLayout = inputLayout
        }
    }

    /// The actions' kind, which decides the policy's distribution.
    public enum ActionKind: Equatable, Sendable {
        /// A categorical over `count` actions (logits out of the policy network).
        case discrete(count: Int)
        /// A diagonal Gaussian over `dimension` values (means out of the policy network,
        /// state-independent ``LearnedLogStd``).
        case continuous(dimension: Int)
    }

    /// The environments, each wrapped in ``Environments/ClipAction`` for continuous actions.
    public let environments: [any Environment]
    public let actionKind: ActionKind
    /// Observations to action logits (discrete) or means (continuous).
    public let policyNetwork: Sequential
    /// Observations to V(s), `[batch, 1]`.
    public let valueNetwork: Sequential
    /// The policy network without its output layer: observations to the features its head
    /// (and gSDE's noise) reads.
    public let policyTrunk: Sequential
    /// The layers both networks begin with when the trunk is shared.
    public var sharedTrunk: Sequential? { isTrunkShared ? policyTrunk : nil }
    private let isTrunkShared: Bool
    /// Whether the policy and the value network share no layer (no common trunk, no shared
    /// normalisation layer): their losses can then be differentiated apart, on two threads
    /// (``lossAndGradients(observations:actions:actor:critic:)``).
    public let networksAreSeparate: Bool
    /// log σ of the Gaussian policy; nil for discrete actions.
    public let logStd: LearnedLogStd?
    /// The first layer of both networks when observations are normalised.
    public let observationNormalization: ObservationNormalization?
    /// The reward scaling state when rewards are normalised.
    public private(set) var rewardNormalization: RewardNormalization?
    public let rolloutBuffer: RolloutBuffer
    public private(set) var driver: Driver!
    public let encoder: ObservationEncoder
    /// The most probable action (the mean, clipped into the box, for continuous actions).
    public let greedy: any Policy
    /// Actions drawn from the policy's distribution.
    public let sampling: any Policy
    /// Episodes finished since ``takeFinishedEpisodes()`` was last called.
    private var finished: [EpisodeSummary] = []
    private let statistics = EpisodeStatisticsBuffer(bufferSize: 1)

    /// Networks drawn from `seed`'s generator and a driver seeded with `seed`. Acts in
    /// `Discrete` and float32 `Box` action spaces; for others it throws
    /// `unsupportedEnvironment(reason)`.
    public init(algorithm: String, environments: [any Environment], nSteps: Int, network: NetworkSettings, seed: UInt64,
                gamma: Double = 0.99, unsupportedEnvironment: (String) -> any Error) throws {
        let environment = environments[0]
        let actionSpace = environment.actionSpace
        switch actionSpace {
        case let .discrete(n, _):
            actionKind = .discrete(count: n)
            self.environments = environments
        case let .box(_, _, shape, .float32):
            actionKind = .continuous(dimension: shape.reduce(1, *))
            // SB3 clips the Gaussian's draws into the box before stepping; the buffer keeps the
            // unclipped draw, whose log-probability the learner recomputes.
            self.environments = environments.map { ClipAction($0) }
        default:
            throw unsupportedEnvironment("this \(algorithm) acts in Discrete or float32 Box action spaces, \(environment.id) has \(actionSpace)")
        }
        encoder = ObservationEncoder(space: environment.observationSpace)
        var generator = RandomGenerator(seed: seed)
        let outputs: Int
        switch actionKind {
        case let .discrete(count): outputs = count
        case let .continuous(dimension): outputs = dimension
        }
        let normalization = network.normalizeObservation ? ObservationNormalization(featureCount: encoder.featureCount) : nil
        observationNormalization = normalization
        if network.shareTrunk {
            let trunk = try Self.trunk(inputShape: encoder.featureShape, hidden: network.policyLayers, settings: network,
                                       normalization: normalization, generator: &generator, unsupportedEnvironment)
            let features = Sequential(trunk).outputShape(for: encoder.featureShape).reduce(1, *)
            policyNetwork = Sequential(trunk + [Self.head(inputs: features, outputs: outputs, gain: 0.01, settings: network, generator: &generator)])
            valueNetwork = Sequential(trunk + [Self.head(inputs: features, outputs: 1, gain: 1, settings: network, generator: &generator)])
        } else {
            policyNetwork = try Self.network(inputShape: encoder.featureShape, hidden: network.policyLayers, outputs: outputs,
                                             outputGain: 0.01, settings: network, normalization: normalization,
                                             generator: &generator, unsupportedEnvironment)
            valueNetwork = try Self.network(inputShape: encoder.featureShape, hidden: network.valueLayers, outputs: 1,
                                            outputGain: 1, settings: network, normalization: normalization,
                                            generator: &generator, unsupportedEnvironment)
        }
        isTrunkShared = network.shareTrunk
        networksAreSeparate = !network.shareTrunk
            && Set(policyNetwork.layers.map { ObjectIdentifier($0) }).isDisjoint(with: valueNetwork.layers.map { ObjectIdentifier($0) })
        policyTrunk = Sequential(Array(policyNetwork.layers.dropLast()))
        rolloutBuffer = try RolloutBuffer(steps: nSteps, environmentCount: environments.count,
                                          observationSpace: environment.observationSpace, actionSpace: actionSpace)
        rewardNormalization = network.normalizeReward ? RewardNormalization(gamma: gamma, environmentCount: environments.count) : nil
        switch actionKind {
        case .discrete:
            logStd = nil
            sampling = try DiscreteNetworkPolicy(network: policyNetwork, observationSpace: environment.observationSpace,
                                                 actionSpace: actionSpace, mode: .sample)
            greedy = try DiscreteNetworkPolicy(network: policyNetwork, observationSpace: environment.observationSpace,
                                               actionSpace: actionSpace, mode: .greedy)
        case let .continuous(dimension) where network.useSde:
            guard let latent = network.policyLayers.last else {
                throw unsupportedEnvironment("gSDE reads the policy's last hidden layer; give policyLayers at least one width")
            }
            let logStd = LearnedLogStd(shape: [latent, dimension], initialValue: network.logStdInit)
            self.logStd = logStd
            sampling = try StateDependentNoisePolicy(
                trunk: policyTrunk, head: policyNetwork.layers.last!, logStd: logStd,
                observationSpace: environment.observationSpace, actionSpace: actionSpace, sampleFrequency: network.sdeSampleFreq)
            greedy = try GaussianNetworkPolicy(network: policyNetwork, logStd: logStd, observationSpace: environment.observationSpace,
                                               actionSpace: actionSpace, mode: .greedy)
        case let .continuous(dimension):
            let logStd = LearnedLogStd(dimension: dimension, initialValue: network.logStdInit)
            self.logStd = logStd
            sampling = try GaussianNetworkPolicy(network: policyNetwork, logStd: logStd, observationSpace: environment.observationSpace,
                                                 actionSpace: actionSpace, mode: .sample)
            greedy = try GaussianNetworkPolicy(network: policyNetwork, logStd: logStd, observationSpace: environment.observationSpace,
                                               actionSpace: actionSpace, mode: .greedy)
        }
        statistics.onEpisodeEnd = { [unowned self] episodeReturn, length in
            self.finished.append(EpisodeSummary(episodeReturn: episodeReturn, length: length))
        }
        driver = Driver(environments: self.environments, policy: sampling, observers: [rolloutBuffer, statistics], seed: seed)
    }

    /// Both networks' parameters, policy first, then log σ for continuous actions; a shared
    /// trunk's once.
    public var parameters: [Parameter] {
        var seen = Set<ObjectIdentifier>()
        return (policyNetwork.parameters + valueNetwork.parameters + (logStd?.parameters ?? [])).filter {
            seen.insert(ObjectIdentifier($0)).inserted
        }
    }

    /// The episodes finished since the last call.
    public func takeFinishedEpisodes() -> [EpisodeSummary] {
        defer { finished.removeAll() }
        return finished
    }

    static func network(inputShape: [Int], hidden: [Int], outputs: Int, outputGain: Float, settings: NetworkSettings,
                        normalization: ObservationNormalization?, generator: inout RandomGenerator,
                        _ unsupportedEnvironment: (String) -> any Error) throws -> Sequential {
        guard settings.convLayerParams.isEmpty else {
            let trunk = try trunk(inputShape: inputShape, hidden: hidden, settings: settings, normalization: normalization,
                                  generator: &generator, unsupportedEnvironment)
            let features = Sequential(trunk).outputShape(for: inputShape).reduce(1, *)
            return Sequential(trunk + [head(inputs: features, outputs: outputs, gain: outputGain, settings: settings, generator: &generator)])
        }
        let perceptron = makeMultilayerPerceptron(
            inputShape: inputShape, hiddenUnits: hidden, activation: settings.activation, outputCount: outputs,
            hiddenInitializer: settings.orthogonalInit ? .orthogonal(gain: Float(2).squareRoot()) : .glorotUniform,
            outputInitializer: settings.orthogonalInit ? .orthogonal(gain: outputGain) : .glorotUniform, generator: &generator)
        guard let normalization else { return perceptron }
        return Sequential([normalization] + perceptron.layers)
    }

    /// Normalisation, convolutions, a flatten and the hidden dense layers: everything but the output layer.
    static func trunk(inputShape: [Int], hidden: [Int], settings: NetworkSettings, normalization: ObservationNormalization?,
                      generator: inout RandomGenerator, _ unsupportedEnvironment: (String) -> any Error) throws -> [any Layer] {
        let initializer: Initializer = settings.orthogonalInit ? .orthogonal(gain: Float(2).squareRoot()) : .glorotUniform
        var (layers, shape): ([any Layer], [Int])
        do {
            (layers, shape) = try QNetworkConfig.ConvLayer.featureLayers(
                settings.convLayerParams, inputShape: inputShape, inputLayout: settings.inputLayout, activation: settings.activation,
                weightInitializer: initializer, biasInitializer: .zeros, generator: &generator)
        } catch {
            throw unsupportedEnvironment(error.reason)
        }
        if let normalization { layers.insert(normalization, at: 0) }
        for width in hidden {
            layers.append(Dense(inputSize: shape[0], outputSize: width, activation: settings.activation,
                                weightInitializer: initializer, generator: &generator))
            shape = [width]
        }
        return layers
    }

    static func head(inputs: Int, outputs: Int, gain: Float, settings: NetworkSettings, generator: inout RandomGenerator) -> Dense {
        Dense(inputSize: inputs, outputSize: outputs, weightInitializer: settings.orthogonalInit ? .orthogonal(gain: gain) : .glorotUniform,
              generator: &generator)
    }

    /// The actions of rollout slots `rows` (every slot when nil), in the form
    /// ``logProbabilitiesAndEntropies(observations:actions:)`` reads.
    public func actions(rows: [Int]?) -> ActionBatch {
        let buffer = rolloutBuffer
        switch actionKind {
        case .discrete:
            return .discrete(IndexTensor(rows.map { $0.map { buffer.discreteActions[$0] } } ?? buffer.discreteActions))
        case let .continuous(dimension):
            guard let rows else { return .continuous(Tensor(shape: [buffer.capacity, dimension], scalars: buffer.continuousActions)) }
            var values = [Float](repeating: 0, count: rows.count * dimension)
            buffer.continuousActions.withUnsafeBufferPointer { source in
                for (i, row) in rows.enumerated() {
                    for j in 0..<dimension { values[i * dimension + j] = source[row * dimension + j] }
                }
            }
            return .continuous(Tensor(shape: [rows.count, dimension], scalars: values))
        }
    }

    /// Actions of a minibatch: indices for discrete spaces, `[B, d]` values for boxes.
    public enum ActionBatch {
        case discrete(IndexTensor)
        case continuous(Tensor)
    }

    /// `log π(a|s)` and the entropy of π(·|s) for each row, `[B]` each, differentiable with
    /// respect to the policy network (and log σ).
    public func logProbabilitiesAndEntropies(observations: Tensor, actions: ActionBatch) -> (logProbabilities: Tensor, entropies: Tensor) {
        distributionTerms(latent: policyTrunk(observations), actions: actions)
    }

    /// ``logProbabilitiesAndEntropies(observations:actions:)`` and V(s) `[B]`, running a
    /// shared trunk once for both heads.
    public func evaluate(observations: Tensor, actions: ActionBatch) -> (logProbabilities: Tensor, entropies: Tensor, values: Tensor) {
        let batch = observations.shape[0]
        if isTrunkShared {
            let features = policyTrunk(observations)
            let (logProbabilities, entropies) = distributionTerms(latent: features, actions: actions)
            return (logProbabilities, entropies, valueNetwork.layers.last!(features).reshaped([batch]))
        }
        let (logProbabilities, entropies) = logProbabilitiesAndEntropies(observations: observations, actions: actions)
        return (logProbabilities, entropies, valueNetwork(observations).reshaped([batch]))
    }

    /// A loss made of an actor's half (given log π(a|s) and the entropies) and a critic's
    /// (given V(s)), and its gradients with respect to ``parameters``, in that order. With
    /// separate networks the halves are differentiated apart and at the same time
    /// (``CPU/concurrently(_:_:)``): the policy's parameters get gradients from the actor's
    /// half only and the value network's from the critic's, exactly as from their sum.
    /// Otherwise one tape records the sum.
    public func lossAndGradients(
        observations: Tensor, actions: ActionBatch,
        actor: (_ logProbabilities: Tensor, _ entropies: Tensor) -> ActorCriticLoss.Output,
        critic: (_ values: Tensor) -> ActorCriticLoss.Output
    ) -> (output: ActorCriticLoss.Output, gradients: [Tensor]) {
        let batch = observations.shape[0]
        guard networksAreSeparate else {
            var output: ActorCriticLoss.Output?
            let (_, gradients) = valueWithGradient(wrt: parameters) {
                let (logProbabilities, entropies, values) = evaluate(observations: observations, actions: actions)
                output = actor(logProbabilities, entropies).combined(with: critic(values))
                return output!.loss
            }
            return (output!, gradients)
        }
        let policyParameters = policyNetwork.parameters, logStdParameters = logStd?.parameters ?? []
        let ((actorOutput, actorGradients), (criticOutput, criticGradients)) = CPU.concurrently({
            var output: ActorCriticLoss.Output?
            let (_, gradients) = valueWithGradient(wrt: policyParameters + logStdParameters) {
                let (logProbabilities, entropies) = logProbabilitiesAndEntropies(observations: observations, actions: actions)
                output = actor(logProbabilities, entropies)
                return output!.loss
            }
            return (output!, gradients)
        }, {
            var output: ActorCriticLoss.Output?
            let (_, gradients) = valueWithGradient(wrt: valueNetwork.parameters) {
                output = critic(valueNetwork(observations).reshaped([batch]))
                return output!.loss
            }
            return (output!, gradients)
        })
        let policyCount = policyParameters.count
        let gradients = Array(actorGradients[..<policyCount]) + criticGradients + Array(actorGradients[policyCount...])
        return (actorOutput.combined(with: criticOutput), gradients)
    }

    /// A2C's loss (``ActorCriticLoss/a2c(logProbabilities:advantages:entropies:values:returns:valueCoefficient:entropyCoefficient:)``)
    /// on the whole rollout in the buffer, whose observations ``collect(gamma:lambda:)``
    /// returned; advantages standardised first when `normalizeAdvantage`. Each A3C worker
    /// differentiates it on its own thread.
    public func a2cLoss(observations: Tensor, normalizeAdvantage: Bool, valueCoefficient: Float,
                        entropyCoefficient: Float) -> ActorCriticLoss.Output {
        let (advantages, returns) = a2cTargets(normalizeAdvantage: normalizeAdvantage)
        let (logProbabilities, entropies, values) = evaluate(observations: observations, actions: actions(rows: nil))
        return ActorCriticLoss.a2c(logProbabilities: logProbabilities, advantages: advantages, entropies: entropies,
                                   values: values, returns: returns, valueCoefficient: valueCoefficient,
                                   entropyCoefficient: entropyCoefficient)
    }

    /// ``a2cLoss(observations:normalizeAdvantage:valueCoefficient:entropyCoefficient:)`` and
    /// its gradients with respect to ``parameters``, the actor's and the critic's halves on
    /// two threads when the networks are separate (A2C's synchronous update).
    public func a2cLossAndGradients(observations: Tensor, normalizeAdvantage: Bool, valueCoefficient: Float,
                                    entropyCoefficient: Float) -> (output: ActorCriticLoss.Output, gradients: [Tensor]) {
        let (advantages, returns) = a2cTargets(normalizeAdvantage: normalizeAdvantage)
        return lossAndGradients(observations: observations, actions: actions(rows: nil), actor: { logProbabilities, entropies in
            ActorCriticLoss.a2cActor(logProbabilities: logProbabilities, advantages: advantages, entropies: entropies,
                                     entropyCoefficient: entropyCoefficient)
        }, critic: { values in
            ActorCriticLoss.a2cCritic(values: values, returns: returns, valueCoefficient: valueCoefficient)
        })
    }

    /// The rollout's advantages (standardised when asked) and returns.
    private func a2cTargets(normalizeAdvantage: Bool) -> (advantages: Tensor, returns: Tensor) {
        let buffer = rolloutBuffer
        return (Tensor(normalizeAdvantage ? RolloutBuffer.normalized(buffer.advantages) : buffer.advantages), Tensor(buffer.returns))
    }

    /// The distribution terms from the policy's last hidden features.
    private func distributionTerms(latent: Tensor, actions: ActionBatch) -> (logProbabilities: Tensor, entropies: Tensor) {
        let head = policyNetwork.layers.last!
        if case let .continuous(values) = actions, let logStd, logStd.logStd.shape.count == 2 {
            // gSDE: N(μ(s), z(s)² σ² + 1e-6), the features z detached as in SB3 without `learn_features`.
            let variance = StateDependentNoise.variance(features: latent.detached, logStd: logStd.logStd.value)
            let distribution = DiagonalGaussian(mean: head(latent), logStd: 0.5 * variance.log())
            return (distribution.logProbability(of: values), distribution.entropy())
        }
        let outputs = head(latent)
        switch actions {
        case let .discrete(indices):
            let distribution = Categorical(logits: outputs)
            return (distribution.logProbability(of: indices), distribution.entropy())
        case let .continuous(values):
            let distribution = DiagonalGaussian(mean: outputs, logStd: logStd!.logStd.value)
            return (distribution.logProbability(of: values), distribution.entropy())
        }
    }

    /// Adds the last rollout's observations to the normalisation statistics. Learners call it
    /// after their updates on the rollout, so the rollout is trained on with the statistics
    /// it was collected with.
    public func updateObservationStatistics() {
        guard let observationNormalization else { return }
        rolloutBuffer.observations.withUnsafeBufferPointer {
            observationNormalization.update(with: $0, count: rolloutBuffer.capacity)
        }
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
        (sampling as? StateDependentNoisePolicy)?.resampleNoise()
        try driver.run(steps: rolloutBuffer.capacity)
        if var normalization = rewardNormalization {
            rolloutBuffer.normalizeRewards(&normalization)
            rewardNormalization = normalization
        }
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

    private struct NormalizationState: Codable {
        var observations: RunningMeanStd?
        var rewards: RewardNormalization?
    }

    /// Adds the networks' weights, log σ, `optimizer`'s state and the normalisation
    /// statistics, as `policy.*`, `value.*`, `log_std.*`, `optimizer.*` and `normalization`.
    public func append(to checkpoint: inout AgentCheckpoint, optimizer: any Optimizer) throws {
        checkpoint.append(policyNetwork, prefix: "policy.")
        checkpoint.append(valueNetwork, prefix: "value.")
        if let logStd { checkpoint.append(logStd, prefix: "log_std.") }
        checkpoint.append(optimizer, prefix: "optimizer.")
        try checkpoint.encode(NormalizationState(observations: observationNormalization?.statistics, rewards: rewardNormalization),
                              forKey: "normalization")
    }

    /// Loads what ``append(to:optimizer:)`` wrote and the driver's counters.
    public func restore(from checkpoint: AgentCheckpoint, optimizer: any Optimizer, driver snapshot: Driver.Snapshot) throws {
        var modules: [(String, any Module)] = [("policy.", policyNetwork), ("value.", valueNetwork)]
        if let logStd { modules.append(("log_std.", logStd)) }
        try checkpoint.load(modules, optimizer: optimizer, optimizerPrefix: "optimizer.")
        let normalization = try checkpoint.decode(NormalizationState.self, forKey: "normalization")
        guard (normalization.observations == nil) == (observationNormalization == nil),
              (normalization.rewards == nil) == (rewardNormalization == nil),
              normalization.observations.map({ $0.mean.count == encoder.featureCount }) ?? true,
              normalization.rewards.map({ $0.returns.count == environments.count }) ?? true else {
            throw AgentCheckpointError.mismatch("its observation or reward normalisation differs from this agent's")
        }
        if let statistics = normalization.observations { observationNormalization?.setStatistics(statistics) }
        rewardNormalization = normalization.rewards
        try driver.restore(snapshot)
    }
}
