import Environments
import Randomness

/// The step loop over a ``VectorEnvironment`` (``SyncVectorEnvironment``, the SIMD
/// ``VectorCartPole``): one batched policy call and one vector step per iteration, each
/// copy's transition handed to the observers.
///
/// Vector environments reset finished copies within the same step, so episodes are seeded
/// once, at the first reset (`seed + copy`, Gymnasium's rule), and a transition that ends an
/// episode carries the copy's final observation, never the next episode's first one.
/// Use ``Driver`` when each episode must be seeded on its own (exactly resumable runs).
public final class VectorDriver {
    public let environment: any VectorEnvironment
    public let policy: any Policy
    public var observers: [any Observer]
    /// The policy's source of randomness.
    public var generator: RandomGenerator
    public let seed: UInt64
    /// Environment steps taken so far, all copies together.
    public private(set) var totalSteps = 0
    /// Episodes finished so far, all copies together.
    public private(set) var totalEpisodes = 0

    private var current: [TimeStep] = []
    private var states: [PolicyState?] = []

    public init(environment: any VectorEnvironment, policy: any Policy, observers: [any Observer] = [], seed: UInt64) {
        self.environment = environment
        self.policy = policy
        self.observers = observers
        self.seed = seed
        generator = RandomGenerator(seed: seed ^ 0x5DEE_CE66_D1CE_5EED)
    }

    private func resetIfNeeded() throws {
        guard current.isEmpty else { return }
        let (observations, _) = try environment.reset(seed: seed)
        current = observations.map { TimeStep(stepType: .first, reward: 0, discount: 1, observation: $0) }
        states = Array(repeating: policy.initialState(), count: environment.count)
        for (copy, observation) in observations.enumerated() {
            for observer in observers { try observer.episodeStarted(environmentIndex: copy, observation: observation) }
        }
    }

    /// One vector step (every copy moves). Returns the number of episodes that ended.
    @discardableResult
    public func step() throws -> Int {
        try resetIfNeeded()
        let policySteps = try policy.actions(for: current, states: states, using: &generator)
        let result = try environment.step(policySteps.map(\.action))
        var ended = 0
        for copy in 0..<environment.count {
            let done = result.terminated[copy] || result.truncated[copy]
            let transition = Transition(
                environmentIndex: copy, observation: current[copy].observation, action: policySteps[copy].action,
                reward: result.rewards[copy], nextObservation: done ? (result.finalObservations[copy] ?? result.observations[copy]) : result.observations[copy],
                terminated: result.terminated[copy], truncated: result.truncated[copy], isFirst: current[copy].isFirst,
                policyInfo: policySteps[copy].info, info: done ? (result.finalInfos[copy] ?? result.infos[copy]) : result.infos[copy])
            for observer in observers { try observer.observe(transition) }
            if done {
                ended += 1
                current[copy] = TimeStep(stepType: .first, reward: 0, discount: 1, observation: result.observations[copy])
                states[copy] = policy.initialState()
                for observer in observers {
                    try observer.episodeStarted(environmentIndex: copy, observation: result.observations[copy])
                }
            } else {
                current[copy] = TimeStep(stepType: .mid, reward: result.rewards[copy], discount: 1, observation: result.observations[copy])
                states[copy] = policySteps[copy].state
            }
        }
        totalSteps += environment.count
        totalEpisodes += ended
        return ended
    }

    /// Vector steps until at least `steps` environment steps (copies counted separately) were taken.
    @discardableResult
    public func run(steps: Int) throws -> Int {
        precondition(steps >= 0, "VectorDriver.run(steps:): steps must be non-negative, got \(steps)")
        var taken = 0, ended = 0
        while taken < steps {
            ended += try step()
            taken += environment.count
        }
        return ended
    }

    /// Vector steps until at least `episodes` more episodes have ended (other copies' episodes
    /// stay in progress for the next call).
    public func run(episodes: Int) throws {
        precondition(episodes >= 0, "VectorDriver.run(episodes:): episodes must be non-negative, got \(episodes)")
        var ended = 0
        while ended < episodes { ended += try step() }
    }
}
