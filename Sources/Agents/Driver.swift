import Environments
import Randomness

/// How a driver seeds the episodes it starts.
public enum EpisodeSeeding: Sendable, Equatable, Codable {
    /// Every episode gets its own seed, derived from the driver's seed, the copy and the
    /// episode's number in that copy. An episode is then reproducible from counters alone,
    /// which is what lets a run resume exactly from a checkpoint taken between episodes.
    case perEpisode
    /// Only each copy's first reset is seeded (`seed + copy`, as Gymnasium's vector
    /// environments do); later episodes continue the environment's own generator.
    case firstResetOnly
}

/// Runs a policy in one or several environment copies and hands each transition to its
/// observers: the one step loop every agent shares (TF-Agents' `PyDriver`).
///
/// The driver owns the generator the policy draws from, resets copies when their episodes
/// end, and keeps track of each copy's current time step and policy state, so consecutive
/// `run(steps:)` calls continue the same episodes.
public final class Driver {
    public let environments: [any Environment]
    public let policy: any Policy
    public var observers: [any Observer]
    /// The policy's source of randomness; part of an agent's checkpoint.
    public var generator: RandomGenerator
    public let seed: UInt64
    public let seeding: EpisodeSeeding
    /// Episodes started so far in each copy.
    public private(set) var episodesStarted: [Int]
    /// Environment steps taken so far, all copies together.
    public private(set) var totalSteps = 0
    /// Episodes finished so far, all copies together.
    public private(set) var totalEpisodes = 0

    private var current: [TimeStep?]
    private var states: [PolicyState?]
    /// Steps the copies of one iteration on several threads when they are slow (Atari
    /// through the Gymnasium bridge, where each copy is a Python process); observers still
    /// see the transitions one copy after the other, in copy order, so results do not
    /// depend on the choice.
    private var scheduler: StepScheduler

    /// A driver over `environments` (at least one; all with the same spaces). The policy's
    /// generator is seeded from `seed` as well, on a stream of its own. `parallelism` says
    /// whether the copies' steps may run on several threads (see ``StepScheduler``); the
    /// same instance given twice always steps sequentially.
    public init(environments: [any Environment], policy: any Policy, observers: [any Observer] = [],
                seed: UInt64, seeding: EpisodeSeeding = .perEpisode, parallelism: VectorParallelism = .automatic) {
        precondition(!environments.isEmpty, "Driver: needs at least one environment")
        let distinct = Set(environments.map { ObjectIdentifier($0) }).count == environments.count
        scheduler = StepScheduler(parallelism: distinct ? parallelism : .sequential)
        self.environments = environments
        self.policy = policy
        self.observers = observers
        self.seed = seed
        self.seeding = seeding
        generator = RandomGenerator(seed: seed ^ 0x5DEE_CE66_D1CE_5EED)
        episodesStarted = Array(repeating: 0, count: environments.count)
        current = Array(repeating: nil, count: environments.count)
        states = Array(repeating: nil, count: environments.count)
    }

    public convenience init(environment: any Environment, policy: any Policy, observers: [any Observer] = [],
                            seed: UInt64, seeding: EpisodeSeeding = .perEpisode) {
        self.init(environments: [environment], policy: policy, observers: observers, seed: seed, seeding: seeding)
    }

    /// The seed of episode `episode` (counted from 0) in copy `copy` under `.perEpisode`.
    public static func episodeSeed(base: UInt64, copy: Int, episode: Int) -> UInt64 {
        var z = base &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: copy &+ 1)
        z ^= UInt64(truncatingIfNeeded: episode) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Whether copy `copy` is in the middle of an episode.
    public func isInEpisode(_ copy: Int) -> Bool { current[copy] != nil }

    /// The observation copy `copy` acts on next, or nil between episodes (the next episode
    /// starts, and is reset, at the next step): what an n-step learner bootstraps from.
    public func currentObservation(of copy: Int) -> Observation? { current[copy]?.observation }

    private func startEpisode(in copy: Int) throws {
        let episode = episodesStarted[copy]
        let resetSeed: UInt64?
        switch seeding {
        case .perEpisode: resetSeed = Self.episodeSeed(base: seed, copy: copy, episode: episode)
        case .firstResetOnly: resetSeed = episode == 0 ? seed &+ UInt64(copy) : nil
        }
        let (observation, _) = try environments[copy].reset(seed: resetSeed)
        episodesStarted[copy] += 1
        current[copy] = TimeStep(stepType: .first, reward: 0, discount: 1, observation: observation)
        states[copy] = policy.initialState()
        for observer in observers { try observer.episodeStarted(environmentIndex: copy, observation: observation) }
    }

    /// One step in each copy in `copies` (starting episodes where none is in progress).
    /// Returns the number of episodes that ended.
    private func stepCopies(_ copies: [Int]) throws -> Int {
        for copy in copies where current[copy] == nil { try startEpisode(in: copy) }
        let timeSteps = copies.map { current[$0]! }
        let policySteps: [PolicyStep]
        if copies.count == 1 {
            policySteps = [try policy.action(for: timeSteps[0], state: states[copies[0]], using: &generator)]
        } else {
            policySteps = try policy.actions(for: timeSteps, states: copies.map { states[$0] }, using: &generator)
        }
        var results = [Result<Step, any Error>?](repeating: nil, count: copies.count)
        if copies.count == 1 {
            results[0] = Result { try environments[copies[0]].step(policySteps[0].action) }
        } else {
            let environments = self.environments
            results.withUnsafeMutableBufferPointer { results in
                scheduler.run(count: copies.count) { range in
                    for k in range { results[k] = Result { try environments[copies[k]].step(policySteps[k].action) } }
                }
            }
        }
        var ended = 0
        for (k, copy) in copies.enumerated() {
            let timeStep = timeSteps[k], policyStep = policySteps[k]
            let result = try results[k]!.get()
            totalSteps += 1
            let transition = Transition(
                environmentIndex: copy, observation: timeStep.observation, action: policyStep.action,
                reward: result.reward, nextObservation: result.observation, terminated: result.terminated,
                truncated: result.truncated, isFirst: timeStep.isFirst, policyInfo: policyStep.info, info: result.info)
            for observer in observers { try observer.observe(transition) }
            if result.isDone {
                current[copy] = nil
                states[copy] = nil
                totalEpisodes += 1
                ended += 1
            } else {
                current[copy] = TimeStep(stepType: .mid, reward: result.reward, discount: 1, observation: result.observation)
                states[copy] = policyStep.state
            }
        }
        return ended
    }

    /// Takes `steps` environment steps in total, spread over the copies in turn, continuing
    /// episodes in progress. Returns the number of episodes that ended.
    @discardableResult
    public func run(steps: Int) throws -> Int {
        precondition(steps >= 0, "Driver.run(steps:): steps must be non-negative, got \(steps)")
        var taken = 0, ended = 0
        let all = Array(environments.indices)
        while taken < steps {
            let copies = steps - taken >= all.count ? all : Array(all.prefix(steps - taken))
            ended += try stepCopies(copies)
            taken += copies.count
        }
        return ended
    }

    /// Runs exactly `episodes` whole episodes, fresh ones, over the copies, and returns with
    /// no episode in progress. Episodes in progress when it is called are abandoned (their
    /// transitions were already observed).
    public func run(episodes: Int) throws {
        precondition(episodes >= 0, "Driver.run(episodes:): episodes must be non-negative, got \(episodes)")
        for copy in environments.indices where current[copy] != nil {
            current[copy] = nil
            states[copy] = nil
        }
        var toStart = episodes
        var active: [Int] = []
        for copy in environments.indices where toStart > 0 {
            active.append(copy)
            toStart -= 1
        }
        while !active.isEmpty {
            _ = try stepCopies(active)
            var next: [Int] = []
            for copy in active {
                if current[copy] != nil {
                    next.append(copy)
                } else if toStart > 0 {
                    toStart -= 1
                    next.append(copy)
                }
            }
            active = next
        }
    }

    /// The counters and generator that, with the environments' seeds, determine what the
    /// driver does next; episodes in progress are not part of it.
    public struct Snapshot: Codable, Sendable, Equatable {
        public var generator: RandomGenerator
        public var episodesStarted: [Int]
        public var totalSteps: Int
        public var totalEpisodes: Int
    }

    public var snapshot: Snapshot {
        Snapshot(generator: generator, episodesStarted: episodesStarted, totalSteps: totalSteps, totalEpisodes: totalEpisodes)
    }

    /// Restores counters and generator; any episode in progress is abandoned.
    public func restore(_ snapshot: Snapshot) throws {
        guard snapshot.episodesStarted.count == environments.count else {
            throw PolicyError.invalidConfiguration(policy: "Driver", reason:
                "the snapshot has \(snapshot.episodesStarted.count) environment copies, this driver \(environments.count)")
        }
        generator = snapshot.generator
        episodesStarted = snapshot.episodesStarted
        totalSteps = snapshot.totalSteps
        totalEpisodes = snapshot.totalEpisodes
        current = Array(repeating: nil, count: environments.count)
        states = Array(repeating: nil, count: environments.count)
    }
}
