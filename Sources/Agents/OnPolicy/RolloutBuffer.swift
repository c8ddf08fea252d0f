import Environments
import Randomness

/// On-policy experience: `steps` consecutive steps of each of `environmentCount`
/// environments (Stable-Baselines3's `RolloutBuffer`), with the returns and advantages the
/// actor-critic learners (A2C, PPO) train on.
///
/// As an ``Observer`` of a ``Driver`` or ``VectorDriver`` it records each transition's
/// encoded observation, action, reward, termination and truncation, and the log-probability
/// and value the policy reported (``PolicyInfo``). Slot `t · environmentCount + e` holds step
/// `t` of environment `e`.
///
/// Returns follow the Gymnasium contract: a terminated step has no next value; a truncated
/// step bootstraps from the value of its real final observation, which the buffer keeps in
/// ``truncations`` for the learner to value (``setFinalValue(_:forSlot:)``), since the next
/// stored observation already belongs to the next episode. SB3 gets the same effect by
/// adding γ·V(final observation) to the truncated step's reward.
public final class RolloutBuffer: Observer {
    public let steps: Int
    public let environmentCount: Int
    /// How observations are turned into the floats stored (and fed to networks).
    public let encoder: ObservationEncoder
    public let actionLayout: ReplayActionLayout
    /// Slots: `steps · environmentCount`.
    public var capacity: Int { steps * environmentCount }

    // The arrays skip Swift's dynamic exclusivity checks: the buffer is written one step
    // at a time on the collecting thread, and the checks on every element access were a
    // few percent of a PPO run on CartPole.

    /// Encoded observations, `encoder.featureCount` floats per slot.
    @exclusivity(unchecked) public private(set) var observations: [Float]
    /// One action index per slot (discrete actions, relative to the space's start).
    @exclusivity(unchecked) public private(set) var discreteActions: [Int32]
    /// `dimension` floats per slot (continuous actions).
    @exclusivity(unchecked) public private(set) var continuousActions: [Float]
    @exclusivity(unchecked) public private(set) var rewards: [Float]
    /// V(s) as the policy reported it (NaN until set, see ``setValues(_:)``).
    @exclusivity(unchecked) public private(set) var values: [Float]
    /// log π(a|s) as the policy reported it (NaN when it did not).
    @exclusivity(unchecked) public private(set) var logProbabilities: [Float]
    @exclusivity(unchecked) public private(set) var terminated: [Bool]
    @exclusivity(unchecked) public private(set) var truncated: [Bool]
    /// V(final observation) of truncated slots (0 elsewhere).
    @exclusivity(unchecked) public private(set) var finalValues: [Float]
    /// The final observations of truncated slots, for the learner to value.
    @exclusivity(unchecked) public private(set) var truncations: [(slot: Int, observation: Observation)] = []
    /// GAE(λ) advantages, after ``computeReturnsAndAdvantages(lastValues:gamma:lambda:)``.
    @exclusivity(unchecked) public private(set) var advantages: [Float]
    /// Advantages plus values: the critic's regression targets (λ-returns).
    @exclusivity(unchecked) public private(set) var returns: [Float]

    private let actionStart: Int
    @exclusivity(unchecked) private var filled: [Int]

    /// A buffer for `steps` steps of `environmentCount` copies of an environment with these
    /// spaces. Throws for action spaces it cannot store (multi-discrete).
    public init(steps: Int, environmentCount: Int = 1, observationSpace: Space, actionSpace: Space) throws {
        precondition(steps > 0 && environmentCount > 0,
                     "RolloutBuffer: steps and environmentCount must be positive, got \(steps) and \(environmentCount)")
        switch actionSpace {
        case let .discrete(_, start):
            actionLayout = .discrete
            actionStart = start
        case let .box(_, _, shape, _):
            actionLayout = .continuous(dimension: shape.reduce(1, *))
            actionStart = 0
        case .multiDiscrete:
            throw RolloutBufferError.unsupportedActionSpace(actionSpace)
        }
        self.steps = steps
        self.environmentCount = environmentCount
        encoder = ObservationEncoder(space: observationSpace)
        let slots = steps * environmentCount
        observations = [Float](repeating: 0, count: slots * encoder.featureCount)
        discreteActions = actionLayout == .discrete ? [Int32](repeating: 0, count: slots) : []
        continuousActions = [Float](repeating: 0, count: actionLayout == .discrete ? 0 : slots * actionLayout.scalarCount)
        rewards = [Float](repeating: 0, count: slots)
        values = [Float](repeating: .nan, count: slots)
        logProbabilities = [Float](repeating: .nan, count: slots)
        terminated = [Bool](repeating: false, count: slots)
        truncated = [Bool](repeating: false, count: slots)
        finalValues = [Float](repeating: 0, count: slots)
        advantages = [Float](repeating: 0, count: slots)
        returns = [Float](repeating: 0, count: slots)
        filled = [Int](repeating: 0, count: environmentCount)
    }

    /// Whether every environment has recorded its `steps` steps.
    public var isFull: Bool { filled.allSatisfy { $0 == steps } }

    /// Empties the buffer for the next rollout (storage is kept).
    public func reset() {
        for e in filled.indices { filled[e] = 0 }
        truncations.removeAll(keepingCapacity: true)
        for i in values.indices {
            values[i] = .nan
            logProbabilities[i] = .nan
            finalValues[i] = 0
        }
    }

    public func observe(_ transition: Transition) throws {
        let e = transition.environmentIndex
        precondition(e >= 0 && e < environmentCount,
                     "RolloutBuffer: environment \(e) of a buffer for \(environmentCount)")
        guard filled[e] < steps else {
            throw RolloutBufferError.full(environment: e, steps: steps)
        }
        let slot = filled[e] * environmentCount + e
        try observations.withUnsafeMutableBufferPointer {
            try encoder.encode(transition.observation, into: $0.baseAddress! + slot * encoder.featureCount)
        }
        switch (actionLayout, transition.action) {
        case (.discrete, let .discrete(a)):
            discreteActions[slot] = Int32(a - actionStart)
        case let (.continuous(dimension), .float32(a, _)) where a.count == dimension:
            for i in 0..<dimension { continuousActions[slot * dimension + i] = a[i] }
        default:
            throw RolloutBufferError.actionMismatch("action \(transition.action) does not fit the buffer's \(actionLayout) actions")
        }
        rewards[slot] = Float(transition.reward)
        values[slot] = transition.policyInfo.value.map(Float.init) ?? .nan
        logProbabilities[slot] = transition.policyInfo.logProbability.map(Float.init) ?? .nan
        terminated[slot] = transition.terminated
        truncated[slot] = transition.truncated && !transition.terminated
        if truncated[slot] { truncations.append((slot, transition.nextObservation)) }
        filled[e] += 1
    }

    /// Sets every slot's V(s) at once (a learner that values the whole rollout in one batch).
    public func setValues(_ newValues: [Float]) {
        precondition(newValues.count == capacity, "RolloutBuffer.setValues: \(newValues.count) values for \(capacity) slots")
        values = newValues
    }

    /// Replaces the rewards by `normalization`'s scaled ones (VecNormalize's reward
    /// normalisation), in step order; call it once per rollout, before computing returns.
    public func normalizeRewards(_ normalization: inout RewardNormalization) {
        precondition(isFull, "RolloutBuffer.normalizeRewards: the rollout is not complete")
        normalization.normalize(rewards: &rewards, terminated: terminated, truncated: truncated)
    }

    /// Sets V(final observation) of a truncated slot (one of ``truncations``).
    public func setFinalValue(_ value: Float, forSlot slot: Int) {
        precondition(truncated[slot], "RolloutBuffer.setFinalValue: slot \(slot) was not truncated")
        finalValues[slot] = value
    }

    /// GAE(λ) (Schulman et al. 2016) over each environment's steps, backwards:
    ///
    ///     δ_t = r_t + γ · V_next − V(s_t)
    ///     A_t = δ_t + γ λ · (1 − done_t) · A_{t+1}
    ///
    /// where `V_next` is 0 after a termination, V(final observation) after a truncation,
    /// V(s_{t+1}) within an episode, and `lastValues[e]` (the value of the observation after
    /// the rollout) at the last step. Returns are `A + V`. λ = 1 gives the n-step
    /// bootstrapped returns of A2C (`R_t = r_t + γ R_{t+1}`, bootstrapped from the last
    /// value); λ = 0 one-step TD errors.
    public func computeReturnsAndAdvantages(lastValues: [Float], gamma: Float, lambda: Float) {
        precondition(isFull, "RolloutBuffer.computeReturnsAndAdvantages: the rollout is not complete")
        precondition(lastValues.count == environmentCount,
                     "RolloutBuffer.computeReturnsAndAdvantages: \(lastValues.count) last values for \(environmentCount) environments")
        precondition(!values.contains { $0.isNaN }, "RolloutBuffer.computeReturnsAndAdvantages: values missing; the policy reports none, so call setValues first")
        for e in 0..<environmentCount {
            var nextAdvantage: Float = 0
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let slot = t * environmentCount + e
                let nextValue: Float
                if terminated[slot] {
                    nextValue = 0
                } else if truncated[slot] {
                    nextValue = finalValues[slot]
                } else {
                    nextValue = t == steps - 1 ? lastValues[e] : values[slot + environmentCount]
                }
                let continues: Float = terminated[slot] || truncated[slot] ? 0 : 1
                let delta = rewards[slot] + gamma * nextValue - values[slot]
                nextAdvantage = delta + gamma * lambda * continues * nextAdvantage
                advantages[slot] = nextAdvantage
                returns[slot] = nextAdvantage + values[slot]
            }
        }
    }

    /// The slots in a fresh random order, cut into minibatches of `size` (the last one
    /// shorter when `size` does not divide the capacity), as SB3 iterates one epoch.
    public func minibatches(size: Int, using generator: inout RandomGenerator) -> [[Int]] {
        precondition(size > 0, "RolloutBuffer.minibatches: size must be positive, got \(size)")
        var order = Array(0..<capacity)
        generator.shuffle(&order)
        return stride(from: 0, to: capacity, by: size).map { Array(order[$0..<min($0 + size, capacity)]) }
    }

    /// Advantages standardised to mean 0 and (sample) standard deviation 1, with 1e-8 added
    /// to the deviation, as SB3 and CleanRL normalise each minibatch.
    public static func normalized(_ advantages: [Float]) -> [Float] {
        guard advantages.count > 1 else { return advantages }
        let n = Double(advantages.count)
        let mean = advantages.reduce(0.0) { $0 + Double($1) } / n
        let variance = advantages.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1)
        let scale = 1 / (variance.squareRoot() + 1e-8)
        return advantages.map { Float((Double($0) - mean) * scale) }
    }
}

/// Why a rollout buffer cannot be built or cannot take a transition.
public enum RolloutBufferError: Error, Equatable, CustomStringConvertible {
    case unsupportedActionSpace(Space)
    case full(environment: Int, steps: Int)
    case actionMismatch(String)

    public var description: String {
        switch self {
        case let .unsupportedActionSpace(space):
            return "RolloutBuffer: cannot store actions of \(space); use a Discrete or Box action space"
        case let .full(environment, steps):
            return "RolloutBuffer: environment \(environment) already has its \(steps) steps; train on the rollout and reset() the buffer first"
        case let .actionMismatch(reason):
            return "RolloutBuffer: \(reason)"
        }
    }
}
