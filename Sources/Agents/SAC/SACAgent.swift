import Environments
import Networks
import Randomness
import Tensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Soft actor-critic (Haarnoja et al. 2018a, and 2018b for the learned temperature) as
/// Stable-Baselines3's `SAC` runs it, for bounded continuous (`Box`) action spaces.
///
/// Each step of the shared ``Driver`` goes into the replay buffer. For the first
/// `learningStarts` steps actions are uniform in the box; then they are drawn from the
/// tanh-squashed Gaussian of the actor (``SquashedGaussianPolicy``) and rescaled to the box.
/// Every `trainFreq` steps after `learningStarts`, `gradientSteps` minibatch steps each:
/// update log α (when learned), the critics on the soft TD target of the target critics, and
/// the actor through the minimum of the critics (see ``SACLoss``), each with its own Adam,
/// then Polyak-average the target critics every `targetUpdateInterval` gradient steps.
/// The replay buffer keeps actions as the environment received them; minibatches map them
/// back to (−1, 1), where SB3's buffer keeps them. The greedy policy acts with `tanh(μ(s))`.
public final class SACAgent: Agent {
    public static let algorithmName = "sac"

    /// The settings the agent was built with (a checkpoint only restores into the same).
    public let config: SACConfig
    /// The environment the driver steps.
    public let environment: any Environment
    /// The squashed-Gaussian policy network.
    public let actor: SACActor
    /// The `nCritics` Q-networks trained on the soft TD targets.
    public let critic: SACCritic
    /// Follows ``critic`` by Polyak averaging; values next states.
    public let criticTarget: SACCritic
    /// Adam over the actor's parameters.
    public let actorOptimizer: Adam
    /// Adam over all critics' parameters together, as SB3's `critic.optimizer`.
    public let criticOptimizer: Adam
    /// log α's optimizer; nil with a fixed ``SACConfig/entCoef``.
    public let entropyCoefficientOptimizer: Adam?
    /// Every transition collected, actions as the environment received them.
    public let replayBuffer: ReplayBuffer
    /// The step loop that collects experience with ``collectPolicy``.
    public private(set) var driver: Driver!
    public private(set) var iterations = 0
    /// Minibatch steps applied so far.
    public private(set) var gradientUpdates = 0
    public var environmentSteps: Int { driver.totalSteps }
    public var policy: any Policy { greedy }
    public var collectPolicy: any Policy { exploration }
    /// The entropy the learned α aims for.
    public let targetEntropy: Double

    /// α now: exp(log α) when learned, else the fixed value.
    public var entropyCoefficient: Double {
        switch config.entCoef {
        case let .fixed(value): return value
        case .auto: return Double(exp(logEntropyCoefficient.value.detachedValue.scalars[0]))
        }
    }

    private let logEntropyCoefficient: LogEntropyCoefficient
    private let featureCount: Int
    private let actionDimension: Int
    /// Per component: (a − low) · scale − 1 maps an environment action back to (−1, 1).
    private let actionLow: [Float]
    private let actionScale: [Float]
    private var trainingGenerator: RandomGenerator
    private var greedy: SquashedGaussianPolicy!
    private var sampling: SquashedGaussianPolicy!
    private var exploration: WarmupPolicy!
    private let statistics = EpisodeStatisticsBuffer(bufferSize: 1)
    private var finished: [EpisodeSummary] = []
    private var sums = LossSums()

    /// Builds the agent; throws ``SACError`` for a configuration out of range or an
    /// environment without a bounded float `Box` action space of rank 1 and `Box` observations.
    public init(config: SACConfig, environment: any Environment) throws {
        try config.validate()
        guard case let .box(low, high, actionShape, scalarType) = environment.actionSpace else {
            throw SACError.unsupportedEnvironment("it acts in continuous Box action spaces, \(environment.id) has "
                + "\(environment.actionSpace); use dqn, a2c or ppo for discrete actions")
        }
        guard scalarType == .float32, actionShape.count == 1, actionShape[0] > 0 else {
            throw SACError.unsupportedEnvironment("it needs a float Box action space of rank 1 (a vector), \(environment.id) has "
                + "\(environment.actionSpace); flatten the actions with a wrapper")
        }
        guard zip(low, high).allSatisfy({ $0.isFinite && $1.isFinite && $0 < $1 }) else {
            throw SACError.unsupportedEnvironment("it squashes actions into the Box bounds, and \(environment.id)'s "
                + "\(environment.actionSpace) has infinite or empty ones; give the action space finite bounds")
        }
        guard case let .box(_, _, observationShape, .float32) = environment.observationSpace else {
            throw SACError.unsupportedEnvironment("it needs float Box observations, \(environment.id) has "
                + "\(environment.observationSpace)")
        }
        self.config = config
        self.environment = environment
        let features = Swift.max(observationShape.reduce(1, *), 1)
        featureCount = features
        actionDimension = actionShape[0]
        actionLow = low
        actionScale = zip(low, high).map { 2 / ($1 - $0) }
        targetEntropy = config.targetEntropy.value(actionDimension: actionShape[0])

        var generator = RandomGenerator(seed: config.seed)
        actor = SACActor(featureCount: features, hiddenUnits: config.policyLayers, activation: config.activation,
                         actionDimension: actionShape[0], stateDependentExploration: config.useSde,
                         logStdInit: Float(config.logStdInit), clipMean: Float(config.clipMean), generator: &generator)
        critic = SACCritic(featureCount: features, actionDimension: actionShape[0], hiddenUnits: config.criticLayers,
                           activation: config.activation, count: config.nCritics, generator: &generator)
        criticTarget = SACCritic(featureCount: features, actionDimension: actionShape[0], hiddenUnits: config.criticLayers,
                                 activation: config.activation, count: config.nCritics, generator: &generator)
        criticTarget.copyWeights(from: critic)
        trainingGenerator = generator.split()

        let rate = LearningRateSchedule.constant(config.learningRate.value(at: 0))
        let epsilon = Float(config.adamEpsilon)
        actorOptimizer = Adam(parameters: actor.parameters, learningRate: rate, epsilon: epsilon)
        criticOptimizer = Adam(parameters: critic.parameters, learningRate: rate, epsilon: epsilon)
        switch config.entCoef {
        case let .auto(initial):
            logEntropyCoefficient = LogEntropyCoefficient(Float(log(initial)))
            entropyCoefficientOptimizer = Adam(parameters: logEntropyCoefficient.parameters, learningRate: rate, epsilon: epsilon)
        case .fixed:
            logEntropyCoefficient = LogEntropyCoefficient(0)
            entropyCoefficientOptimizer = nil
        }
        replayBuffer = ReplayBuffer(capacity: config.bufferSize, observationShape: [features], observationType: .float32,
                                    actionLayout: .continuous(dimension: actionShape[0]))
        greedy = try SquashedGaussianPolicy(actor: actor, observationSpace: environment.observationSpace,
                                            actionSpace: environment.actionSpace, mode: .greedy)
        let sampling = try SquashedGaussianPolicy(actor: actor, observationSpace: environment.observationSpace,
                                                  actionSpace: environment.actionSpace, mode: .sample,
                                                  sampleFrequency: config.sdeSampleFreq)
        self.sampling = sampling
        exploration = WarmupPolicy(policy: sampling) { [unowned self] in self.environmentSteps < self.config.learningStarts }
        statistics.onEpisodeEnd = { [unowned self] episodeReturn, length in
            self.finished.append(EpisodeSummary(episodeReturn: episodeReturn, length: length))
        }
        driver = Driver(environment: environment, policy: exploration,
                        observers: [replayBuffer, statistics, ClosureObserver { [unowned self] _ in try self.afterStep() }],
                        seed: config.seed)
    }

    /// The factory the algorithm registry calls.
    public static func make(config: SACConfig, environment: any Environment) throws -> SACAgent {
        try SACAgent(config: config, environment: environment)
    }

    /// Training phases on SB3's schedule, after the buffer has the step.
    private func afterStep() throws {
        let steps = driver.totalSteps
        // A collection phase of trainFreq steps ends here; with gSDE the next one explores
        // with a new matrix, as SB3 resets the noise at the start of `collect_rollouts`.
        if steps % config.trainFreq == 0 { sampling.resampleNoise() }
        guard steps % config.trainFreq == 0 && steps > config.learningStarts && config.gradientSteps > 0 else { return }
        // SB3 sets every optimizer's rate from the schedule once per training phase.
        let rate = config.learningRate.value(at: steps)
        actorOptimizer.learningRate = rate
        criticOptimizer.learningRate = rate
        entropyCoefficientOptimizer?.learningRate = rate
        for _ in 0..<config.gradientSteps { try trainOnMinibatch() }
    }

    /// One gradient step on a replayed minibatch, its actions mapped back to (−1, 1).
    private func trainOnMinibatch() throws {
        let batch = try replayBuffer.sample(batchSize: config.batchSize, using: &trainingGenerator)
        let b = batch.batchSize, f = featureCount, d = actionDimension
        var actions = Tensor(uninitializedShape: [b, d])
        actions.withUnsafeMutableBufferPointer { out in
            for row in 0..<b {
                for k in 0..<d { out[row * d + k] = (batch.continuousActions[row * d + k] - actionLow[k]) * actionScale[k] - 1 }
            }
        }
        let report = update(observations: Tensor(shape: [b, f], scalars: batch.observations), actions: actions,
                            rewards: Tensor(batch.rewards),
                            nextObservations: Tensor(shape: [b, f], scalars: batch.nextObservations),
                            terminated: Tensor(batch.terminated.map { $0 ? 1 : 0 }), using: &trainingGenerator)
        sums.add(report)
    }

    /// One gradient step on a minibatch of B transitions, the body of SB3's `SAC.train`:
    /// log α (when learned), then the critics, then the actor, each by one Adam step, then the
    /// Polyak update of the target critics when it is due. `observations` and
    /// `nextObservations` are `[B, features]`, `actions` `[B, d]` in (−1, 1) (the actor's
    /// scale, not the environment's), `rewards` and `terminated` (0 or 1) `[B]`. The
    /// reparameterisation noise comes from `generator`: first `[B, d]` values for the actions
    /// at `observations`, then `[B, d]` for those at `nextObservations`; with gSDE one
    /// `[latentWidth, d]` exploration matrix for both (SB3 resets the noise once per step).
    public func update(observations: Tensor, actions: Tensor, rewards: Tensor, nextObservations: Tensor, terminated: Tensor,
                       using generator: inout RandomGenerator) -> SACUpdateReport {
        let b = observations.shape[0]
        precondition(observations.shape == [b, featureCount] && nextObservations.shape == observations.shape
                     && actions.shape == [b, actionDimension] && rewards.shape == [b] && terminated.shape == [b],
                     "SACAgent.update: expected observations [\(b), \(featureCount)], actions [\(b), \(actionDimension)], "
                     + "rewards and terminated [\(b)]; got \(observations.shape), \(actions.shape), \(nextObservations.shape), "
                     + "\(rewards.shape), \(terminated.shape)")
        // The reparameterised actions of the current actor, recorded for the actor's update
        // at the end of the step (the actor does not change before then).
        let explorationNoise = actor.isStateDependent
            ? Tensor.randomNormal([actor.latentWidth, actionDimension], generator: &generator) : nil
        func sample(_ observations: Tensor, _ generator: inout RandomGenerator) -> (action: Tensor, logProbability: Tensor) {
            if let explorationNoise { return actor.stateDependentSample(observations, noise: explorationNoise) }
            return actor.distribution(observations).rsampleWithLogProbability(using: &generator)
        }
        let actorTape = GradientTape()
        let (actionsPi, logPi) = actorTape.record { sample(observations, &generator) }

        // SB3 uses the α from before this step's α update everywhere in the step.
        let alpha = Float(entropyCoefficient)
        var alphaLoss: Float?
        if let optimizer = entropyCoefficientOptimizer {
            let logProbabilities = logPi.detached, target = Float(targetEntropy)
            alphaLoss = optimizer.minimize {
                SACLoss.entropyCoefficientLoss(logAlpha: logEntropyCoefficient.value.value, logProbabilities: logProbabilities,
                                               targetEntropy: target)
            }
        }

        let targets = withoutGradient {
            let next = sample(nextObservations, &generator)
            return SACLoss.criticTargets(
                rewards: rewards, terminated: terminated, gamma: Float(config.gamma),
                nextQValues: criticTarget.qValues(Tensor.concatenate([nextObservations, next.action], alongAxis: 1)),
                nextLogProbabilities: next.logProbability, alpha: alpha)
        }

        var qValues: [Tensor] = []
        let criticLoss = criticOptimizer.minimize {
            qValues = critic.qValues(Tensor.concatenate([observations, actions], alongAxis: 1))
            return SACLoss.criticLoss(qValues: qValues, targets: targets)
        }

        let actorLoss = actorTape.record {
            SACLoss.actorLoss(logProbabilities: logPi,
                              qValues: critic.qValuesWithFrozenWeights(Tensor.concatenate([observations, actionsPi], alongAxis: 1)),
                              alpha: alpha)
        }
        actorOptimizer.step(actorTape.gradient(of: actorLoss, wrt: actorOptimizer.parameters))

        if gradientUpdates % config.targetUpdateInterval == 0 {
            criticTarget.polyakUpdate(from: critic, tau: Float(config.tau))
        }
        gradientUpdates += 1
        return SACUpdateReport(criticLoss: criticLoss, actorLoss: actorLoss.scalar, entropyCoefficientLoss: alphaLoss,
                               entropyCoefficient: alpha, targets: targets.scalars, qValues: qValues.map(\.detached.scalars),
                               logProbabilities: logPi.detached.scalars)
    }

    /// At least ``SACConfig/stepsPerIteration`` environment steps, then to the end of the
    /// episode in progress. Reports CleanRL's SAC metrics (`losses/qf_loss`,
    /// `losses/actor_loss`, `losses/alpha`, `losses/alpha_loss`, `losses/qf1_values`) and
    /// the policy's entropy estimate `losses/entropy` (−log π), averaged over the iteration.
    public func trainIteration() throws -> IterationReport {
        finished.removeAll()
        sums = LossSums()
        let start = driver.totalSteps
        while driver.totalSteps - start < config.stepsPerIteration || driver.isInEpisode(0) {
            try driver.run(steps: 1)
        }
        iterations += 1
        var scalars: [String: Double] = ["charts/gradient_updates": Double(gradientUpdates),
                                         "losses/alpha": entropyCoefficient,
                                         "charts/learning_rate": Double(actorOptimizer.learningRate)]
        if sums.count > 0 {
            let n = Double(sums.count)
            scalars["losses/qf_loss"] = sums.critic / n
            scalars["losses/actor_loss"] = sums.actor / n
            scalars["losses/qf1_values"] = sums.q / n
            scalars["losses/entropy"] = -sums.logPi / n
            if entropyCoefficientOptimizer != nil { scalars["losses/alpha_loss"] = sums.alphaLoss / n }
        }
        return IterationReport(episodes: finished, scalars: scalars)
    }

    // MARK: Checkpoints

    private struct State: Codable {
        var iterations: Int
        var gradientUpdates: Int
        var driver: Driver.Snapshot
        var trainingGenerator: RandomGenerator
        var config: SACConfig
        /// gSDE's current exploration matrix (absent without gSDE and in older checkpoints).
        var explorationNoise: SquashedGaussianPolicy.NoiseState?
    }

    /// The actor, critics, target critics, log α, the three optimizers' states, counters and
    /// generators, and (with ``SACConfig/saveReplayBuffer``) the replay buffer as an
    /// attachment. Taken between episodes, as every iteration ends, it resumes exactly.
    public func checkpoint() throws -> AgentCheckpoint {
        try makeCheckpoint(policyOnly: false)
    }

    /// Everything but the replay buffer.
    public func policyCheckpoint() throws -> AgentCheckpoint {
        try makeCheckpoint(policyOnly: true)
    }

    private func makeCheckpoint(policyOnly: Bool) throws -> AgentCheckpoint {
        var checkpoint = AgentCheckpoint()
        checkpoint.isPolicyOnly = policyOnly
        checkpoint.append(actor, prefix: "actor.")
        checkpoint.append(critic, prefix: "critic.")
        checkpoint.append(criticTarget, prefix: "critic_target.")
        checkpoint.append(logEntropyCoefficient, prefix: "")
        checkpoint.append(actorOptimizer, prefix: "actor_optimizer.")
        checkpoint.append(criticOptimizer, prefix: "critic_optimizer.")
        if let optimizer = entropyCoefficientOptimizer { checkpoint.append(optimizer, prefix: "ent_coef_optimizer.") }
        try checkpoint.encode(State(iterations: iterations, gradientUpdates: gradientUpdates, driver: driver.snapshot,
                                    trainingGenerator: trainingGenerator, config: config,
                                    explorationNoise: sampling.noiseState), forKey: "sac")
        try checkpoint.attachReplayBuffer(replayBuffer, if: config.saveReplayBuffer)
        return checkpoint
    }

    public func restore(from checkpoint: AgentCheckpoint) throws {
        let state = try checkpoint.decode(State.self, forKey: "sac")
        guard state.config == config else {
            throw AgentCheckpointError.mismatch("it was written with another SAC configuration; resume with the one it was written with")
        }
        try checkpoint.load([("actor.", actor), ("critic.", critic), ("critic_target.", criticTarget)],
                            optimizer: actorOptimizer, optimizerPrefix: "actor_optimizer.")
        try checkpoint.load([], optimizer: criticOptimizer, optimizerPrefix: "critic_optimizer.")
        if let optimizer = entropyCoefficientOptimizer {
            try checkpoint.load([], optimizer: optimizer, optimizerPrefix: "ent_coef_optimizer.")
        }
        let logAlpha = try checkpoint.tensor(named: LogEntropyCoefficient.name)
        guard logAlpha.shape == [1] else {
            throw AgentCheckpointError.mismatch("'\(LogEntropyCoefficient.name)' has shape \(logAlpha.shape), expected [1]")
        }
        logEntropyCoefficient.value.update { $0[0] = logAlpha.scalars[0] }
        try checkpoint.restoreReplayBuffer(replayBuffer, if: config.saveReplayBuffer)
        try driver.restore(state.driver)
        try sampling.restoreNoise(state.explorationNoise)
        trainingGenerator = state.trainingGenerator
        iterations = state.iterations
        gradientUpdates = state.gradientUpdates
    }
}

/// log α as a module of one parameter, so checkpoints and optimizers treat it like the networks.
final class LogEntropyCoefficient: Module {
    static let name = "log_ent_coef"
    let value: Parameter

    init(_ logAlpha: Float) { value = Parameter(Tensor([logAlpha])) }

    var ownParameters: [(name: String, parameter: Parameter)] { [(name: Self.name, parameter: value)] }
}

/// What one ``SACAgent/update(observations:actions:rewards:nextObservations:terminated:using:)``
/// computed. Losses are valued before their own step; the actor's with the critics just
/// updated, as SB3 orders it.
public struct SACUpdateReport: Sendable {
    /// `½ Σ_i mean((Q_i − y)²)`.
    public var criticLoss: Float
    /// `mean(α log π(ã|s) − min_i Q_i(s, ã))`.
    public var actorLoss: Float
    /// `−mean(log α (log π + H̄))`; nil with a fixed α.
    public var entropyCoefficientLoss: Float?
    /// The α the step used (from before its α update).
    public var entropyCoefficient: Float
    /// The critics' targets y, `[B]`.
    public var targets: [Float]
    /// Each critic's Q(s, a) of the given actions before the update, `[B]` each.
    public var qValues: [[Float]]
    /// log π(ã|s) of the reparameterised actions, `[B]`.
    public var logProbabilities: [Float]
}

/// Running sums of one iteration's losses.
private struct LossSums {
    var critic = 0.0, actor = 0.0, alphaLoss = 0.0, q = 0.0, logPi = 0.0
    var count = 0

    mutating func add(_ report: SACUpdateReport) {
        critic += Double(report.criticLoss)
        actor += Double(report.actorLoss)
        alphaLoss += Double(report.entropyCoefficientLoss ?? 0)
        q += report.qValues[0].reduce(0) { $0 + Double($1) } / Double(report.qValues[0].count)
        logPi += report.logProbabilities.reduce(0) { $0 + Double($1) } / Double(report.logProbabilities.count)
        count += 1
    }
}
