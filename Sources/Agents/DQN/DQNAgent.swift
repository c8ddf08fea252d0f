import Environments
import Networks
import Randomness
import Tensors

/// Deep Q-learning (Mnih et al. 2015) with every published refinement as a switch:
/// Double DQN targets, dueling heads, prioritized replay, n-step returns, Polyak or hard
/// target updates, Huber or MSE, Adam or centered RMSprop (see ``DQNConfig``).
///
/// Each environment step of the shared ``Driver`` goes into the replay buffer; every
/// `targetUpdateInterval` steps the target network follows the online one, and every
/// `trainFreq` steps after `learningStarts` (and `learningStartsEpisodes`) the online network
/// takes `gradientSteps` minibatch steps on `loss(Q(s, a), r + γ^m (1 − terminated) Q_target(s', a*))`,
/// as Stable-Baselines3's `DQN` schedules them. Before `learningStarts` actions are uniformly
/// random; then ε-greedy with ε from ``DQNConfig/epsilon`` of the environment steps (or of
/// the finished episodes). The published settings are presets such as ``DQNConfig/rlZooAcrobot``.
public final class DQNAgent: Agent {
    public static let algorithmName = "dqn"

    public let config: DQNConfig
    public let environment: any Environment
    /// The network trained and acted with.
    public let onlineNetwork: QNetwork
    /// The slowly updated copy that values the next states.
    public let targetNetwork: QNetwork
    public let optimizer: any Optimizer
    /// Uniform, or a ``PrioritizedReplayBuffer`` with ``DQNConfig/prioritizedReplay``.
    public let replayBuffer: ReplayBuffer
    /// The step loop that collects experience with ``collectPolicy``.
    public private(set) var driver: Driver!
    public private(set) var iterations = 0
    /// Minibatch updates applied so far.
    public private(set) var gradientUpdates = 0
    public var environmentSteps: Int { driver.totalSteps }
    public var policy: any Policy { greedy }
    public var collectPolicy: any Policy { exploration }

    private let actionStart: Int
    private let observationShape: [Int]
    private var sampleGenerator: RandomGenerator
    private var greedy: QNetworkGreedyPolicy!
    private var exploration: EpsilonGreedyPolicy!
    private let statistics = EpisodeStatisticsBuffer(bufferSize: 1)
    private var finished: [EpisodeSummary] = []
    private var lossSum = 0.0, qSum = 0.0, lossCount = 0

    /// Builds the agent; throws ``DQNError`` for a configuration out of range or an
    /// environment without a `Discrete` action space and Box observations.
    public init(config: DQNConfig, environment: any Environment) throws {
        try config.validate()
        guard case let .discrete(_, start) = environment.actionSpace else {
            throw DQNError.unsupportedEnvironment("it needs a Discrete action space, \(environment.id) has \(environment.actionSpace)")
        }
        guard case let .box(_, _, shape, scalarType) = environment.observationSpace else {
            throw DQNError.unsupportedEnvironment("it needs Box observations (vectors or images), \(environment.id) has "
                + "\(environment.observationSpace); tabular worlds train with q-learning")
        }
        self.config = config
        self.environment = environment
        actionStart = start
        observationShape = shape
        var generator = RandomGenerator(seed: config.seed)
        onlineNetwork = try QNetwork(config: config.network, observationSpace: environment.observationSpace,
                                     actionSpace: environment.actionSpace, generator: &generator)
        targetNetwork = try QNetwork(config: config.network, observationSpace: environment.observationSpace,
                                     actionSpace: environment.actionSpace, generator: &generator)
        targetNetwork.copyWeights(from: onlineNetwork)
        switch config.optimizer {
        case .adam:
            optimizer = Adam(parameters: onlineNetwork.parameters, learningRate: .constant(Float(config.learningRate)),
                             epsilon: Float(config.adamEpsilon))
        case .rmsprop:
            optimizer = RMSprop(parameters: onlineNetwork.parameters, learningRate: .constant(Float(config.learningRate)),
                                rho: Float(config.rmspropRho), epsilon: Float(config.rmspropEpsilon), centered: true,
                                epsilonInsideSquareRoot: config.rmspropEpsilonInsideSquareRoot)
        }
        let type: ScalarType = scalarType == .uint8 ? .uint8 : .float32
        let (frameStack, padding) = Self.frameStacking(of: environment)
        if config.prioritizedReplay {
            replayBuffer = PrioritizedReplayBuffer(
                capacity: config.bufferSize, observationShape: shape, observationType: type, frameStack: frameStack,
                stackPadding: padding, alpha: config.prioritizedReplayAlpha,
                beta: .linear(from: Float(config.prioritizedReplayBeta0), to: 1, steps: config.prioritizedReplayBetaSteps))
        } else {
            replayBuffer = ReplayBuffer(capacity: config.bufferSize, observationShape: shape, observationType: type,
                                        frameStack: frameStack, stackPadding: padding)
        }
        sampleGenerator = generator.split()
        greedy = QNetworkGreedyPolicy(network: onlineNetwork, actionSpace: environment.actionSpace)
        // Uniformly random before learning starts (ε = 1 then), ε-greedy after.
        exploration = EpsilonGreedyPolicy(greedy: greedy) { [unowned self] in self.currentEpsilon }
        statistics.onEpisodeEnd = { [unowned self] episodeReturn, length in
            self.finished.append(EpisodeSummary(episodeReturn: episodeReturn, length: length))
        }
        driver = Driver(environment: environment, policy: exploration,
                        observers: [replayBuffer, statistics, ClosureObserver { [unowned self] _ in try self.afterStep() }],
                        seed: config.seed)
    }

    /// With a ``FrameStack`` as the last wrapper to change observations, the replay buffer
    /// keeps each stack's newest frame only and rebuilds stacks when sampling: a quarter of
    /// the memory for Atari's four frames.
    static func frameStacking(of environment: any Environment) -> (Int, ReplayStackPadding) {
        var current: any Environment = environment
        while true {
            if let stack = current as? FrameStack {
                guard stack.stackSize > 1, stack.observationSpace == environment.observationSpace,
                      case .box = stack.observationSpace else { return (1, .reset) }
                switch stack.paddingType {
                case .reset: return (stack.stackSize, .reset)
                case .zero: return (stack.stackSize, .zero)
                // A fixed padding observation cannot be rebuilt from stored frames.
                case .value: return (1, .reset)
                }
            }
            guard let wrapper = current as? any EnvironmentWrapper else { return (1, .reset) }
            current = wrapper.wrapped
        }
    }

    /// The factory the algorithm registry calls.
    public static func make(config: DQNConfig, environment: any Environment) throws -> DQNAgent {
        try DQNAgent(config: config, environment: environment)
    }

    /// ε for the next action (1 before `learningStarts` steps: actions are uniformly random then).
    public var currentEpsilon: Double {
        if environmentSteps < config.learningStarts { return 1 }
        switch config.epsilonClock {
        case .environmentSteps: return Double(config.epsilon.value(at: environmentSteps))
        case .episodes: return Double(config.epsilon.value(at: driver.totalEpisodes))
        }
    }

    /// Target updates and training phases on SB3's schedule, after the buffer has the step.
    private func afterStep() throws {
        let steps = driver.totalSteps
        if config.targetNetwork && steps % config.targetUpdateInterval == 0 {
            if config.tau >= 1 {
                targetNetwork.copyWeights(from: onlineNetwork)
            } else {
                targetNetwork.polyakUpdate(from: onlineNetwork, tau: Float(config.tau))
            }
        }
        if steps % config.trainFreq == 0 && steps > config.learningStarts
            && driver.totalEpisodes >= config.learningStartsEpisodes {
            for _ in 0..<config.gradientSteps { try trainOnMinibatch() }
        }
    }

    /// One gradient step on a replayed minibatch.
    private func trainOnMinibatch() throws {
        let batch = try replayBuffer.sample(batchSize: config.batchSize, nSteps: config.nSteps, gamma: config.gamma,
                                            using: &sampleGenerator)
        let shape = [batch.batchSize] + observationShape
        let observations = Tensor(shape: shape, scalars: batch.observations)
        let nextObservations = Tensor(shape: shape, scalars: batch.nextObservations)
        // Outside the tape: target values carry no gradient.
        let nextOnline = config.doubleDQN || !config.targetNetwork ? onlineNetwork.qValues(nextObservations) : nil
        let nextTarget = config.targetNetwork ? targetNetwork.qValues(nextObservations) : nextOnline!
        let actions = IndexTensor(batch.discreteActions.map { $0 - Int32(actionStart) })
        let rewards = Tensor(batch.rewards)
        let discounts = Tensor(batch.discounts)
        let terminated = Tensor(batch.terminated.map { $0 ? 1 : 0 })
        let weights = config.prioritizedReplay ? Tensor(batch.weights) : nil
        var output: DQNLoss.Output?
        let lossValue = optimizer.minimize(maxGradientNorm: config.maxGradNorm.map(Float.init)) {
            let result = DQNLoss.loss(qValues: onlineNetwork.qValues(observations), actions: actions, rewards: rewards,
                                      discounts: discounts, terminated: terminated, nextTargetQValues: nextTarget,
                                      nextOnlineQValues: nextOnline, errorLoss: config.loss, importanceWeights: weights)
            output = result
            return result.loss
        }
        if let prioritized = replayBuffer as? PrioritizedReplayBuffer, let output {
            prioritized.updatePriorities(indices: batch.indices, tdErrors: output.tdErrors.scalars)
        }
        gradientUpdates += 1
        lossSum += Double(lossValue)
        qSum += output.map { Double($0.predictions.detached.scalars.reduce(0, +)) / Double(batch.batchSize) } ?? 0
        lossCount += 1
    }

    /// At least ``DQNConfig/stepsPerIteration`` environment steps, then to the end of the
    /// episode in progress. Reports `losses/td_loss`, `losses/q_values`, `charts/epsilon`
    /// and `charts/gradient_updates`.
    public func trainIteration() throws -> IterationReport {
        finished.removeAll()
        lossSum = 0; qSum = 0; lossCount = 0
        let start = driver.totalSteps
        while driver.totalSteps - start < config.stepsPerIteration || driver.isInEpisode(0) {
            try driver.run(steps: 1)
        }
        iterations += 1
        var scalars: [String: Double] = ["charts/epsilon": currentEpsilon, "charts/gradient_updates": Double(gradientUpdates)]
        if lossCount > 0 {
            scalars["losses/td_loss"] = lossSum / Double(lossCount)
            scalars["losses/q_values"] = qSum / Double(lossCount)
        }
        return IterationReport(episodes: finished, scalars: scalars)
    }

    // MARK: Checkpoints

    private struct State: Codable {
        var iterations: Int
        var gradientUpdates: Int
        var driver: Driver.Snapshot
        var sampleGenerator: RandomGenerator
        var onlineDropout: [RandomGenerator]
        var targetDropout: [RandomGenerator]
        var config: DQNConfig
    }

    /// Both networks, the optimizer state, counters and generators, and (with
    /// ``DQNConfig/saveReplayBuffer``) the replay buffer as an attachment. Taken between
    /// episodes, as every iteration ends, it resumes exactly.
    public func checkpoint() throws -> AgentCheckpoint {
        try makeCheckpoint(policyOnly: false)
    }

    /// Networks, optimizer and counters without the replay buffer, which is not serialised.
    public func policyCheckpoint() throws -> AgentCheckpoint {
        try makeCheckpoint(policyOnly: true)
    }

    private func makeCheckpoint(policyOnly: Bool) throws -> AgentCheckpoint {
        var checkpoint = AgentCheckpoint()
        checkpoint.isPolicyOnly = policyOnly
        checkpoint.append(onlineNetwork, prefix: "online.")
        checkpoint.append(targetNetwork, prefix: "target.")
        checkpoint.append(optimizer, prefix: "optimizer.")
        try checkpoint.encode(State(iterations: iterations, gradientUpdates: gradientUpdates, driver: driver.snapshot,
                                    sampleGenerator: sampleGenerator,
                                    onlineDropout: onlineNetwork.dropoutLayers.map(\.generator),
                                    targetDropout: targetNetwork.dropoutLayers.map(\.generator), config: config),
                              forKey: "dqn")
        try checkpoint.attachReplayBuffer(replayBuffer, if: config.saveReplayBuffer)
        return checkpoint
    }

    public func restore(from checkpoint: AgentCheckpoint) throws {
        let state = try checkpoint.decode(State.self, forKey: "dqn")
        guard state.config == config else {
            throw AgentCheckpointError.mismatch("it was written with another DQN configuration; resume with the one it was written with")
        }
        try checkpoint.load([("online.", onlineNetwork), ("target.", targetNetwork)], optimizer: optimizer,
                            optimizerPrefix: "optimizer.")
        try checkpoint.restoreReplayBuffer(replayBuffer, if: config.saveReplayBuffer)
        try driver.restore(state.driver)
        sampleGenerator = state.sampleGenerator
        for (layer, generator) in zip(onlineNetwork.dropoutLayers, state.onlineDropout) { layer.generator = generator }
        for (layer, generator) in zip(targetNetwork.dropoutLayers, state.targetDropout) { layer.generator = generator }
        iterations = state.iterations
        gradientUpdates = state.gradientUpdates
    }
}

/// The action of highest Q-value (the lowest action on ties), acting through the network's
/// allocation-free path.
public final class QNetworkGreedyPolicy: Policy {
    public let network: QNetwork
    public let actionSpace: Space
    private let actionStart: Int

    public init(network: QNetwork, actionSpace: Space) {
        self.network = network
        self.actionSpace = actionSpace
        if case let .discrete(_, start) = actionSpace { actionStart = start } else { actionStart = 0 }
    }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        PolicyStep(action: .discrete(try network.greedyActionIndex(for: timeStep.observation) + actionStart), state: state)
    }
}
