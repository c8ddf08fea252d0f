import Environments
import Networks
import Randomness
import Tensors

/// Asynchronous advantage actor-critic (Mnih et al. 2016, "Asynchronous Methods for Deep
/// Reinforcement Learning", Algorithm S3): `nWorkers` actor-learners, each on its own thread
/// with its own environment copy and its own copy of the policy and value networks
/// (``A3CWorker``), collect `nSteps` steps each, compute the A2C loss gradients on their own
/// rollout, and apply them without waiting for one another to shared parameters with an
/// optimizer whose statistics are shared too (the paper's shared RMSprop), copying the
/// latest shared weights back before their next rollout. ``A2CAgent`` is the synchronous
/// sibling; with one worker the two compute the same kind of update.
///
/// An iteration (``trainIteration()``) starts the worker threads, lets them run
/// `stepsPerIteration` environment steps between them (whole rollouts, handed out one at a
/// time from a shared counter) and joins them, so checkpoints, evaluation and the greedy
/// ``policy`` (which reads the shared networks) always see a state no thread is changing.
/// Workers wait for each other only on the shared model's lock, held for one optimizer step
/// and one weight copy.
///
/// Reproducibility: with one worker, training is exactly deterministic under a seed, and a
/// run resumed from a checkpoint continues exactly as the uninterrupted one (an episode in
/// progress is replayed to where it stood; see ``ResumableEpisode``). With several workers
/// the order in which their updates reach the shared parameters depends on the operating
/// system's scheduling, so, as in the paper, two runs with the same seed differ; each
/// worker's own random streams and episode seeds are still fixed by the seed.
public final class A3CAgent: Agent {
    public static let algorithmName = "a3c"

    /// The hyperparameters the agent was built with (checkpoints must match them).
    public let config: A3CConfig
    /// The actor-learners, in order.
    public let workers: [A3CWorker]
    let shared: A3CSharedModel
    /// Iterations completed since training began (across resumes).
    public private(set) var iterations = 0
    /// The greedy and sampling policies over the shared networks.
    private let greedy: DiscreteNetworkPolicy
    private let sampling: DiscreteNetworkPolicy

    /// Environment steps taken by all workers together, since training began.
    public var environmentSteps: Int { workers.reduce(0) { $0 + $1.core.driver.totalSteps } }
    /// Updates applied to the shared parameters so far, all workers together.
    public var updates: Int { shared.updates }
    /// The most probable action under the shared policy network: what evaluation runs.
    public var policy: any Policy { greedy }
    /// Actions drawn from the shared policy network's softmax (the workers collect with
    /// their local copies of it).
    public var collectPolicy: any Policy { sampling }
    /// The shared policy network (observations to action logits).
    public var policyNetwork: Sequential { shared.policyNetwork }
    /// The shared value network (observations to V(s), `[batch, 1]`).
    public var valueNetwork: Sequential { shared.valueNetwork }
    /// The optimizer of the shared parameters, its statistics shared by every worker.
    public var optimizer: any Optimizer { shared.optimizer }
    /// Seconds the workers spent, all together, waiting for the shared model's lock and
    /// holding it, since the agent was made: what asynchrony costs.
    public var lockSeconds: (waiting: Double, holding: Double) { shared.lockSeconds }

    /// Builds the agent over `environments`, one fresh copy per worker (`config.nWorkers`).
    /// The shared networks are drawn from `config.seed` as ``A2CAgent``'s are; each worker's
    /// seed comes from its own stream split from `config.seed`, so it does not depend on how
    /// many workers there are.
    public init(config: A3CConfig, environments: [any Environment]) throws {
        try config.validate()
        guard environments.count == config.nWorkers else {
            throw A3CError.invalidConfiguration(field: "nWorkers", reason:
                "is \(config.nWorkers) but \(environments.count) environments were given; pass one fresh copy per worker")
        }
        guard Set(environments.map { ObjectIdentifier($0) }).count == environments.count else {
            throw A3CError.invalidConfiguration(field: "nWorkers", reason:
                "needs a separate environment copy per worker, but one copy was given twice; make each with the factory")
        }
        let seeds = RandomGenerator(seed: config.seed).streams(config.nWorkers).map { stream -> UInt64 in
            var stream = stream
            return stream.next()
        }
        workers = try environments.indices.map { try A3CWorker(index: $0, seed: seeds[$0], environment: environments[$0], config: config) }
        let environment = environments[0]
        guard case let .discrete(actionCount, _) = environment.actionSpace else {
            throw A3CError.unsupportedEnvironment("A3C acts in Discrete action spaces, \(environment.id) has \(environment.actionSpace)")
        }
        let settings = A3CAgent.networkSettings(config)
        let inputShape = workers[0].core.encoder.featureShape
        var generator = RandomGenerator(seed: config.seed)
        let policyNetwork = try ActorCriticCore.network(inputShape: inputShape, hidden: config.policyLayers, outputs: actionCount,
                                                        outputGain: 0.01, settings: settings, normalization: nil,
                                                        generator: &generator, A3CError.unsupportedEnvironment)
        let valueNetwork = try ActorCriticCore.network(inputShape: inputShape, hidden: config.valueLayers, outputs: 1,
                                                       outputGain: 1, settings: settings, normalization: nil,
                                                       generator: &generator, A3CError.unsupportedEnvironment)
        shared = A3CSharedModel(policyNetwork: policyNetwork, valueNetwork: valueNetwork) { parameters in
            A3CAgent.makeOptimizer(config, parameters: parameters)
        }
        for worker in workers where worker.core.parameters.map(\.shape) != shared.parameters.map(\.shape) {
            throw A3CError.unsupportedEnvironment("worker \(worker.index)'s networks do not have the shared networks' shapes "
                + "(\(worker.core.parameters.map(\.shape)) against \(shared.parameters.map(\.shape))); give every worker a copy of one environment")
        }
        greedy = try DiscreteNetworkPolicy(network: policyNetwork, observationSpace: environment.observationSpace,
                                           actionSpace: environment.actionSpace, mode: .greedy)
        sampling = try DiscreteNetworkPolicy(network: policyNetwork, observationSpace: environment.observationSpace,
                                             actionSpace: environment.actionSpace, mode: .sample)
        self.config = config
        for worker in workers { shared.pull(into: worker.core.parameters) }
    }

    /// The factory the algorithm registry calls: `nWorkers` environments from `makeEnvironment`.
    public static func make(config: A3CConfig, makeEnvironment: () throws -> any Environment) throws -> A3CAgent {
        try config.validate()
        return try A3CAgent(config: config, environments: (0..<config.nWorkers).map { _ in try makeEnvironment() })
    }

    static func networkSettings(_ config: A3CConfig) -> ActorCriticCore.NetworkSettings {
        .init(policyLayers: config.policyLayers, valueLayers: config.valueLayers, activation: config.activation,
              orthogonalInit: config.orthogonalInit)
    }

    static func makeOptimizer(_ config: A3CConfig, parameters: [Parameter]) -> any Optimizer {
        let rate = config.learningRate.value(at: 0)
        switch config.optimizer {
        case .rmsprop:
            return RMSprop(parameters: parameters, learningRate: .constant(rate), rho: Float(config.rmspropRho),
                           epsilon: Float(config.rmspropEpsilon), epsilonInsideSquareRoot: config.rmspropEpsilonInsideSquareRoot)
        case .adam:
            return Adam(parameters: parameters, learningRate: .constant(rate), epsilon: Float(config.adamEpsilon))
        case .sgd:
            return SGD(parameters: parameters, learningRate: .constant(rate))
        }
    }

    /// Runs the workers, each on its own thread, until they have taken
    /// ``A3CConfig/stepsPerIteration`` environment steps between them (rounded up to whole
    /// rollouts), then joins them. Reports the episodes they finished (worker by worker),
    /// the mean `losses/policy_loss`, `losses/value_loss`, `losses/entropy` and
    /// `losses/grad_norm` (before clipping) of the iteration's updates, `charts/updates` and
    /// `charts/learning_rate`. A worker's error stops the others and is rethrown here as
    /// ``A3CError/workerFailed(worker:reason:)``.
    public func trainIteration() throws -> IterationReport {
        let control = IterationControl(rollouts: (config.stepsPerIteration + config.nSteps - 1) / config.nSteps)
        runOnOwnThreads(workers.map { worker in
            let handoff = WorkerHandoff(worker: worker, shared: shared, control: control, config: config)
            return { handoff.run() }
        })
        if let failed = workers.first(where: { $0.failure != nil }), let error = failed.failure {
            throw A3CError.workerFailed(worker: failed.index, reason: "\(error)")
        }
        iterations += 1
        var total = A3CWorker.LossSums()
        var episodes: [EpisodeSummary] = []
        for worker in workers {
            total.policyLoss += worker.sums.policyLoss
            total.valueLoss += worker.sums.valueLoss
            total.entropy += worker.sums.entropy
            total.gradientNorm += worker.sums.gradientNorm
            total.updates += worker.sums.updates
            episodes += worker.environment.takeFinishedEpisodes()
            // The core counts episodes too, but restarts a resumed one from zero; the
            // wrapper's count is the one reported.
            _ = worker.core.takeFinishedEpisodes()
        }
        var scalars: [String: Double] = [
            "charts/updates": Double(shared.updates),
            "charts/learning_rate": Double(config.learningRate.value(at: shared.appliedSteps)),
        ]
        if total.updates > 0 {
            let n = Double(total.updates)
            scalars["losses/policy_loss"] = total.policyLoss / n
            scalars["losses/value_loss"] = total.valueLoss / n
            scalars["losses/entropy"] = total.entropy / n
            scalars["losses/grad_norm"] = total.gradientNorm / n
        }
        return IterationReport(episodes: episodes, scalars: scalars)
    }

    // MARK: Checkpoints

    private struct State: Codable {
        var iterations: Int
        var updates: Int
        var appliedSteps: Int
        var workers: [WorkerState]
        var config: A3CConfig
    }

    private struct WorkerState: Codable {
        /// The driver's counters and generator, counting an episode in progress as not yet
        /// started, since resuming starts it again (by replaying it).
        var driver: Driver.Snapshot
        var episode: ResumableEpisode.Progress?
    }

    /// The shared networks (`policy.*`, `value.*`), the shared optimizer's state
    /// (`optimizer.*`), and as JSON the counters, each worker's driver counters and
    /// generator, the episode each worker has in progress (its seed and actions), and the
    /// configuration. Taken between iterations, when no worker runs.
    public func checkpoint() throws -> AgentCheckpoint {
        var checkpoint = AgentCheckpoint()
        checkpoint.append(shared.policyNetwork, prefix: "policy.")
        checkpoint.append(shared.valueNetwork, prefix: "value.")
        checkpoint.append(shared.optimizer, prefix: "optimizer.")
        let workerStates = workers.map { worker -> WorkerState in
            var snapshot = worker.core.driver.snapshot
            let episode = worker.environment.checkpointProgress
            if episode != nil { snapshot.episodesStarted[0] -= 1 }
            return WorkerState(driver: snapshot, episode: episode)
        }
        try checkpoint.encode(State(iterations: iterations, updates: shared.updates, appliedSteps: shared.appliedSteps,
                                    workers: workerStates, config: config), forKey: "a3c")
        return checkpoint
    }

    /// Restores a checkpoint written with the same configuration; each worker continues the
    /// episode it had in progress.
    public func restore(from checkpoint: AgentCheckpoint) throws {
        let state = try checkpoint.decode(State.self, forKey: "a3c")
        guard state.config == config else {
            throw AgentCheckpointError.mismatch("it was written with another A3C configuration")
        }
        guard state.workers.count == workers.count else {
            throw AgentCheckpointError.mismatch("it holds \(state.workers.count) workers, this agent has \(workers.count)")
        }
        try checkpoint.load([("policy.", shared.policyNetwork), ("value.", shared.valueNetwork)], optimizer: shared.optimizer,
                            optimizerPrefix: "optimizer.")
        for (worker, saved) in zip(workers, state.workers) {
            try worker.core.driver.restore(saved.driver)
            worker.environment.restore(saved.episode)
            _ = worker.core.takeFinishedEpisodes()
            shared.pull(into: worker.core.parameters)
        }
        shared.restoreCounters(updates: state.updates, appliedSteps: state.appliedSteps)
        iterations = state.iterations
    }
}
