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

    /// The bounded `Box` the actions are rescaled to.
    public let actionSpace: Space
    /// The network read on every step (its current weights).
    public let actor: SACActor
    /// Turns observations into the actor's input features.
    public let encoder: ObservationEncoder
    /// Drawing or the squashed mean.
    public let mode: Mode
    private let low: [Float]
    private let halfRange: [Float]
    private let plan: InferencePlan
    private let input: UnsafeMutablePointer<Float>

    /// Throws when the action space is not a rank-1 float `Box` with finite bounds of the
    /// actor's dimension, or the observations do not give the actor's feature count.
    public init(actor: SACActor, observationSpace: Space, actionSpace: Space, mode: Mode) throws {
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
        self.low = low
        halfRange = zip(low, high).map { 0.5 * ($1 - $0) }
        plan = InferencePlan(actor.body, inputShape: [actor.featureCount], maxBatch: 1)
        input = .allocate(capacity: max(actor.featureCount, 1))
    }

    deinit { input.deallocate() }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        try encoder.encode(timeStep.observation, into: input)
        let outputs = plan.run(UnsafePointer(input), batch: 1)
        let d = actor.actionDimension
        var action = [Float](repeating: 0, count: d)
        var logProbability = 0.0
        for i in 0..<d {
            let mean = Double(outputs[i])
            var u = mean
            if mode == .sample {
                let logStd = Double(min(max(outputs[d + i], SACActor.logStdMin), SACActor.logStdMax))
                let noise = generator.normalDouble()
                u = mean + exp(logStd) * noise
                // log N(u; μ, σ) − log(1 − tanh²u), the correction in its stable form (see SquashedGaussian).
                let softplus = max(-2 * u, 0) + log1p(exp(-abs(2 * u)))
                logProbability += -0.5 * noise * noise - logStd - 0.5 * log(2 * Double.pi) - 2 * (log(2) - u - softplus)
            }
            action[i] = low[i] + (Float(tanh(u)) + 1) * halfRange[i]
        }
        return PolicyStep(action: .float32(action, shape: [d]), state: state,
                          info: PolicyInfo(logProbability: mode == .sample ? logProbability : nil))
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
