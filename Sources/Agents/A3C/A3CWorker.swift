import Environments
import Networks
import Randomness
import Synchronization
import Tensors

/// One actor-learner of ``A3CAgent`` (Mnih et al. 2016, Algorithm S3): its own copy of the
/// environment, its own policy and value networks (the paper's thread-specific θ' and θ'_v),
/// its own ``Driver`` and ``RolloutBuffer`` (an ``ActorCriticCore`` over one environment)
/// and its own seeded generators. During an iteration it runs on a thread of its own.
///
/// Between iterations the agent's thread owns it; during one, only the worker's thread
/// touches it (see ``A3CAgent/trainIteration()``).
public final class A3CWorker {
    /// The worker's position, 0 to `nWorkers − 1`.
    public let index: Int
    /// The seed of the worker's networks, driver and episodes, drawn from the agent's seed.
    public let seed: UInt64
    /// Local networks, rollout buffer and driver. The networks hold the shared weights as
    /// of the worker's last synchronisation.
    public let core: ActorCriticCore
    /// The environment copy, wrapped so an episode in progress survives a checkpoint.
    let environment: ResumableEpisode
    /// Whether the worker's environment is in the middle of an episode (which a checkpoint
    /// taken now continues on resume).
    public var isInEpisode: Bool { environment.isInEpisode }
    /// Losses of the current iteration's updates, summed, for the iteration's report.
    private(set) var sums = LossSums()
    /// What stopped the worker's loop, if anything did.
    private(set) var failure: (any Error)?

    struct LossSums {
        var policyLoss = 0.0, valueLoss = 0.0, entropy = 0.0, gradientNorm = 0.0
        var updates = 0
    }

    init(index: Int, seed: UInt64, environment: any Environment, config: A3CConfig) throws {
        self.index = index
        self.seed = seed
        self.environment = ResumableEpisode(environment)
        core = try ActorCriticCore(
            algorithm: "A3C", environments: [self.environment], nSteps: config.nSteps,
            network: A3CAgent.networkSettings(config), seed: seed, unsupportedEnvironment: A3CError.unsupportedEnvironment)
    }

    /// The worker's loop for one iteration (Algorithm S3): synchronise with the shared
    /// parameters, then for each rollout `control` grants, collect `nSteps` steps with the
    /// local policy, compute the A2C loss gradients on the local networks and apply them to
    /// the shared parameters (which also synchronises for the next rollout). It never waits
    /// for another worker except for the shared model's lock. An error stops every worker.
    func run(shared: A3CSharedModel, control: IterationControl, config: A3CConfig) {
        sums = LossSums()
        failure = nil
        do {
            shared.pull(into: core.parameters)
            while control.claimRollout() {
                try update(shared: shared, config: config)
            }
        } catch {
            failure = error
            control.stop()
        }
    }

    /// One rollout and one asynchronous update of the shared parameters.
    func update(shared: A3CSharedModel, config: A3CConfig) throws {
        let gradients = try rolloutGradients(config: config)
        shared.apply(gradients, steps: core.rolloutBuffer.capacity, schedule: config.learningRate, pullingInto: core.parameters)
    }

    /// Collects one rollout with the local policy and returns the gradients of the A2C loss
    /// (``ActorCriticLoss/a2c(logProbabilities:advantages:entropies:values:returns:valueCoefficient:entropyCoefficient:)``,
    /// on the paper's n-step returns when `gaeLambda` is 1) with respect to the local
    /// parameters, clipped to `maxGradNorm`. Recorded on this thread's own tape.
    func rolloutGradients(config: A3CConfig) throws -> [Tensor] {
        let observations = try core.collect(gamma: Float(config.gamma), lambda: Float(config.gaeLambda))
        var output: ActorCriticLoss.Output?
        let (_, raw) = valueWithGradient(wrt: core.parameters) {
            let result = core.a2cLoss(observations: observations, normalizeAdvantage: config.normalizeAdvantage,
                                      valueCoefficient: Float(config.vfCoef), entropyCoefficient: Float(config.entCoef))
            output = result
            return result.loss
        }
        var gradients = raw
        let norm: Float
        if let maxGradNorm = config.maxGradNorm {
            (gradients, norm) = clipByGlobalNorm(raw, maxNorm: Float(maxGradNorm))
        } else {
            norm = globalNorm(raw)
        }
        if let output {
            sums.policyLoss += Double(output.policyLoss)
            sums.valueLoss += Double(output.valueLoss)
            sums.entropy += Double(output.entropy)
        }
        sums.gradientNorm += Double(norm)
        sums.updates += 1
        return gradients
    }
}

/// How many rollouts the workers of one iteration may still start, and whether they must
/// stop early because one of them failed. Shared by the worker threads, so only atomics.
final class IterationControl: Sendable {
    /// Rollouts in this iteration, all workers together.
    let rollouts: Int
    private let claimed = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    init(rollouts: Int) {
        self.rollouts = rollouts
    }

    /// Takes one of the iteration's rollouts; false when none is left or the workers were
    /// stopped. Granting whole rollouts from one counter makes an iteration's step count
    /// the same whatever the interleaving.
    func claimRollout() -> Bool {
        guard !stopped.load(ordering: .acquiring) else { return false }
        return claimed.wrappingAdd(1, ordering: .relaxed).oldValue < rollouts
    }

    /// Makes every worker finish after its current rollout.
    func stop() {
        stopped.store(true, ordering: .releasing)
    }
}
