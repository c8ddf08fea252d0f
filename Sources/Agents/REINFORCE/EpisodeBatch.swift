import Environments

/// Whole episodes in flat arrays, ready for one batched update: every step's encoded
/// observation, action index and reward, and where each episode ends. The observer a
/// Monte-Carlo policy-gradient learner puts on its driver: unlike ``EpisodeCollector`` it
/// keeps no `Transition` values, only the numbers the update reads.
///
/// Episodes of different environment copies are kept apart until they end; finished
/// episodes are appended in the order they end.
public final class EpisodeBatch: Observer {
    /// Encodes observations into features.
    public let encoder: ObservationEncoder
    /// The first action of the discrete action space (actions are stored as `action − start`).
    public let actionStart: Int
    /// Features of every step of the finished episodes, `featureCount` floats per step.
    @exclusivity(unchecked) public private(set) var features: [Float] = []
    /// The action index of every step.
    @exclusivity(unchecked) public private(set) var actions: [Int] = []
    /// The reward of every step.
    @exclusivity(unchecked) public private(set) var rewards: [Float] = []
    /// The number of steps of each finished episode, in order.
    @exclusivity(unchecked) public private(set) var episodeLengths: [Int] = []
    /// The undiscounted return of each finished episode, summed in Double.
    @exclusivity(unchecked) public private(set) var episodeReturns: [Double] = []

    private struct Partial {
        var features: [Float] = []
        var actions: [Int] = []
        var rewards: [Float] = []
        var episodeReturn = 0.0
    }
    // Runtime exclusivity checks on these per-step appends cost more than the appends; the
    // batch is only ever used from the driver's thread.
    @exclusivity(unchecked) private var partial: [Partial] = []

    /// A batch for observations of `observationSpace` and actions of the `Discrete`
    /// `actionSpace`.
    public init(observationSpace: Space, actionSpace: Space) {
        encoder = ObservationEncoder(space: observationSpace)
        if case let .discrete(_, start) = actionSpace { actionStart = start } else { actionStart = 0 }
    }

    /// The number of steps of the finished episodes.
    public var stepCount: Int { actions.count }
    /// The number of finished episodes.
    public var episodeCount: Int { episodeLengths.count }

    public func observe(_ transition: Transition) throws {
        guard case let .discrete(action) = transition.action else {
            throw PolicyError.unexpectedObservation(policy: "EpisodeBatch", reason:
                "expected a discrete action, got \(transition.action)")
        }
        let copy = transition.environmentIndex
        while partial.count <= copy { partial.append(Partial()) }
        let width = encoder.featureCount
        let offset = partial[copy].features.count
        partial[copy].features.append(contentsOf: repeatElement(0, count: width))
        try partial[copy].features.withUnsafeMutableBufferPointer {
            try encoder.encode(transition.observation, into: $0.baseAddress! + offset)
        }
        partial[copy].actions.append(action - actionStart)
        partial[copy].rewards.append(Float(transition.reward))
        partial[copy].episodeReturn += transition.reward
        if transition.isLast {
            let finished = partial[copy]
            features.append(contentsOf: finished.features)
            actions.append(contentsOf: finished.actions)
            rewards.append(contentsOf: finished.rewards)
            episodeLengths.append(finished.actions.count)
            episodeReturns.append(finished.episodeReturn)
            partial[copy].features.removeAll(keepingCapacity: true)
            partial[copy].actions.removeAll(keepingCapacity: true)
            partial[copy].rewards.removeAll(keepingCapacity: true)
            partial[copy].episodeReturn = 0
        }
    }

    /// The rewards of each finished episode.
    public var episodeRewards: [[Float]] {
        var result: [[Float]] = []
        var start = 0
        for length in episodeLengths {
            result.append(Array(rewards[start..<(start + length)]))
            start += length
        }
        return result
    }

    /// Forgets everything, unfinished episodes included, keeping the memory for reuse.
    public func removeAll() {
        features.removeAll(keepingCapacity: true)
        actions.removeAll(keepingCapacity: true)
        rewards.removeAll(keepingCapacity: true)
        episodeLengths.removeAll(keepingCapacity: true)
        episodeReturns.removeAll(keepingCapacity: true)
        partial.removeAll(keepingCapacity: true)
    }
}
