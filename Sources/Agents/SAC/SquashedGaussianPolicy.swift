import Environments
import Networks
import Randomness
import Tensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Acts with a ``SACActor`` in a bounded `Box` action space: `a = tanh(u)` with
/// `u ~ N(μ(s), σ(s)²)` (``Mode/sample``, the collect policy) or `u = μ(s)` (``Mode/greedy``,
/// SB3's `deterministic=True`), then rescaled from (−1, 1) to the box as SB3's
/// `unscale_action` does: `low + ½ (a + 1)(high − low)`.
///
/// With a gSDE actor the sampled `u` is `clip(μ(s)) + z(s)ᵀ θ`, with one exploration matrix
/// θ kept for many steps: drawn again when ``resampleNoise()`` asks (SAC does at the start of
/// each collection phase, as SB3's `collect_rollouts`) and every `sampleFrequency` steps
/// when that is positive (SB3's `sde_sample_freq`).
///
/// Acting runs the actor through an ``InferencePlan`` on preallocated memory: a step
/// allocates only the action array and records nothing on a tape. The plan reads the actor's
/// current weights, so the policy follows training. The info's log-probability is that of
/// the squashed action in (−1, 1) (sampling only).
public final class SquashedGaussianPolicy: Policy {
    /// Whether the policy draws its actions or takes the squashed mean.
    public enum Mode: String, Codable, Sendable {
        /// Draws u from the Gaussian (exploration).
        case sample
        /// Takes u = μ (evaluation).
        case greedy
    }

    /// gSDE's exploration matrix and the steps since it was drawn: part of a checkpoint, so
    /// a resumed run explores as the uninterrupted one would.
    public struct NoiseState: Codable, Sendable, Equatable {
        public var matrix: [Float]
        public var stepsSinceDraw: Int

        public init(matrix: [Float], stepsSinceDraw: Int) {
            self.matrix = matrix
            self.stepsSinceDraw = stepsSinceDraw
        }
    }

    /// The bounded `Box` the actions are rescaled to.
    public let actionSpace: Space
    /// The network read on every step (its current weights).
    public let actor: SACActor
    /// Turns observations into the actor's input features.
    public let encoder: ObservationEncoder
    /// Drawing or the squashed mean.
    public let mode: Mode
    /// gSDE: steps between redraws of θ; 0 or less, only when ``resampleNoise()`` asks.
    public let sampleFrequency: Int
    private let low: [Float]
    private let halfRange: [Float]
    /// The whole actor, or its hidden layers with gSDE.
    private let plan: InferencePlan
    /// gSDE: the output layer, from z(s) to the means.
    private let headPlan: InferencePlan?
    private let input: UnsafeMutablePointer<Float>
    /// gSDE: θ, `[latentWidth, d]` row-major, when drawn.
    public private(set) var noiseState: NoiseState?

    /// Throws when the action space is not a rank-1 float `Box` with finite bounds of the
    /// actor's dimension, or the observations do not give the actor's feature count.
    public init(actor: SACActor, observationSpace: Space, actionSpace: Space, mode: Mode, sampleFrequency: Int = -1) throws {
        guard case let .box(low, high, shape, .float32) = actionSpace, shape == [actor.actionDimension],
              low.count == shape[0], high.count == shape[0], zip(low, high).allSatisfy({ $0.isFinite && $1.isFinite && $0 < $1 })
        else {
            throw PolicyError.invalidConfiguration(policy: "SquashedGaussianPolicy", reason:
                "needs a float Box action space of shape [\(actor.actionDimension)] with finite bounds, got \(actionSpace)")
        }
        let encoder = ObservationEncoder(space: observationSpace)
        guard encoder.featureCount == actor.featureCount else {
            throw PolicyError.invalidConfiguration(policy: "SquashedGaussianPolicy", reason:
                "the actor reads \(actor.featureCount) features but \(observationSpace) gives \(encoder.featureCount)")
        }
        self.actionSpace = actionSpace
        self.actor = actor
        self.encoder = encoder
        self.mode = mode
        self.sampleFrequency = sampleFrequency
        self.low = low
        halfRange = zip(low, high).map { 0.5 * ($1 - $0) }
        if actor.isStateDependent {
            plan = InferencePlan(actor.trunk, inputShape: [actor.featureCount], maxBatch: 1)
            headPlan = InferencePlan(actor.body.layers.last!, inputShape: [actor.latentWidth], maxBatch: 1)
        } else {
            plan = InferencePlan(actor.body, inputShape: [actor.featureCount], maxBatch: 1)
            headPlan = nil
        }
        input = .allocate(capacity: max(actor.featureCount, 1))
    }

    deinit { input.deallocate() }

    /// gSDE: draw a new exploration matrix before the next sampled action.
    public func resampleNoise() { noiseState = nil }

    /// gSDE: continue with a saved exploration matrix (a resumed run).
    public func restoreNoise(_ state: NoiseState?) throws {
        if let state, state.matrix.count != actor.latentWidth * actor.actionDimension || state.stepsSinceDraw < 0 {
            throw AgentCheckpointError.mismatch("the gSDE exploration matrix holds \(state.matrix.count) values, "
                + "expected \(actor.latentWidth * actor.actionDimension)")
        }
        noiseState = state
    }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        try encoder.encode(timeStep.observation, into: input)
        let d = actor.actionDimension
        var action = [Float](repeating: 0, count: d)
        var logProbability = 0.0
        if let headPlan {
            let latent = Array(plan.run(UnsafePointer(input), batch: 1))
            let means = latent.withUnsafeBufferPointer { headPlan.run($0.baseAddress!, batch: 1) }
            let theta = mode == .sample ? explorationMatrix(using: &generator) : []
            let logStd = mode == .sample ? actor.stateDependentLogStd!.logStd.detachedValue.scalars : []
            for j in 0..<d {
                var u = Double(actor.clipMean > 0 ? min(max(means[j], -actor.clipMean), actor.clipMean) : means[j])
                if mode == .sample {
                    let (noise, variance) = latent.withUnsafeBufferPointer {
                        StateDependentNoise.component(j, features: $0.baseAddress!, latent: actor.latentWidth, matrix: theta,
                                                      logStd: logStd, dimension: d)
                    }
                    u += Double(noise)
                    logProbability += StateDependentNoise.logDensity(perturbation: noise, variance: variance) - Self.logAbsDeterminant(u)
                }
                action[j] = low[j] + (Float(tanh(u)) + 1) * halfRange[j]
            }
        } else {
            let outputs = plan.run(UnsafePointer(input), batch: 1)
            for i in 0..<d {
                let mean = Double(outputs[i])
                var u = mean
                if mode == .sample {
                    let logStd = Double(min(max(outputs[d + i], SACActor.logStdMin), SACActor.logStdMax))
                    let noise = generator.normalDouble()
                    u = mean + exp(logStd) * noise
                    logProbability += -0.5 * noise * noise - logStd - 0.5 * log(2 * Double.pi) - Self.logAbsDeterminant(u)
                }
                action[i] = low[i] + (Float(tanh(u)) + 1) * halfRange[i]
            }
        }
        return PolicyStep(action: .float32(action, shape: [d]), state: state,
                          info: PolicyInfo(logProbability: mode == .sample ? logProbability : nil))
    }

    /// θ = σ ⊙ ε for this step: the kept matrix, or a new draw when none is kept or it is
    /// `sampleFrequency` steps old.
    private func explorationMatrix(using generator: inout RandomGenerator) -> [Float] {
        if var state = noiseState, sampleFrequency <= 0 || state.stepsSinceDraw < sampleFrequency {
            state.stepsSinceDraw += 1
            noiseState = state
            return state.matrix
        }
        let matrix = StateDependentNoise.drawMatrix(logStd: actor.stateDependentLogStd!.logStd.detachedValue.scalars,
                                                    using: &generator)
        noiseState = NoiseState(matrix: matrix, stepsSinceDraw: 1)
        return matrix
    }

    /// `log(1 − tanh²u)` in the stable form of ``SquashedGaussian``.
    private static func logAbsDeterminant(_ u: Double) -> Double {
        let softplus = max(-2 * u, 0) + log1p(exp(-abs(2 * u)))
        return 2 * (log(2) - u - softplus)
    }
}

/// Uniformly random actions from the action space while `isWarmingUp()` holds, then the
/// wrapped policy's: the warm-up of SB3's off-policy algorithms before `learning_starts`,
/// which fills the replay buffer with diverse experience before the first update.
public final class WarmupPolicy: Policy {
    /// The policy acting once the warm-up is over.
    public let policy: any Policy
    public var actionSpace: Space { policy.actionSpace }
    private let random: RandomPolicy
    private let isWarmingUp: () -> Bool

    /// `isWarmingUp` is asked before every action (an agent compares its step count with `learningStarts`).
    public init(policy: any Policy, isWarmingUp: @escaping () -> Bool) {
        self.policy = policy
        random = RandomPolicy(actionSpace: policy.actionSpace)
        self.isWarmingUp = isWarmingUp
    }

    public func initialState() -> PolicyState? { policy.initialState() }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        if isWarmingUp() { return try random.action(for: timeStep, state: state, using: &generator) }
        return try policy.action(for: timeStep, state: state, using: &generator)
    }
}
