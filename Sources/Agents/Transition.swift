import Environments

/// One environment step as observers see it: what was observed, what was done, what came of
/// it. Termination and truncation stay separate, so a learner bootstraps from
/// `nextObservation` after a time-limit truncation and not after a termination.
public struct Transition: Sendable {
    /// Which copy of the environment produced it (0 for a single environment).
    public var environmentIndex: Int
    public var observation: Observation
    public var action: Action
    public var reward: Double
    /// The observation after the action: on the last step of an episode, its final
    /// observation (never the first observation of the next episode).
    public var nextObservation: Observation
    public var terminated: Bool
    public var truncated: Bool
    /// Whether `observation` was the first of its episode.
    public var isFirst: Bool
    public var policyInfo: PolicyInfo
    public var info: Info

    public init(environmentIndex: Int = 0, observation: Observation, action: Action, reward: Double,
                nextObservation: Observation, terminated: Bool, truncated: Bool, isFirst: Bool = false,
                policyInfo: PolicyInfo = PolicyInfo(), info: Info = Info()) {
        self.environmentIndex = environmentIndex
        self.observation = observation
        self.action = action
        self.reward = reward
        self.nextObservation = nextObservation
        self.terminated = terminated
        self.truncated = truncated
        self.isFirst = isFirst
        self.policyInfo = policyInfo
        self.info = info
    }

    /// Whether the episode ended with this step.
    public var isLast: Bool { terminated || truncated }
    /// TF-Agents' discount: 0 after termination, 1 otherwise (truncation included).
    public var discount: Double { terminated ? 0 : 1 }
}

/// Receives every transition a driver produces: replay buffers, metrics, loggers, video
/// recorders (TF-Agents' observers).
public protocol Observer: AnyObject {
    func observe(_ transition: Transition) throws
    /// Called when the driver has reset copy `environmentIndex` for a new episode, before its
    /// first action (a video recorder draws the starting frame here). Does nothing by default.
    func episodeStarted(environmentIndex: Int, observation: Observation) throws
}

extension Observer {
    public func episodeStarted(environmentIndex: Int, observation: Observation) throws {}
}

/// An observer written as a closure.
public final class ClosureObserver: Observer {
    private let body: (Transition) throws -> Void
    public init(_ body: @escaping (Transition) throws -> Void) { self.body = body }
    public func observe(_ transition: Transition) throws { try body(transition) }
}

/// Keeps every transition of the episodes it sees, grouped by episode: what REINFORCE and
/// other Monte-Carlo learners consume. Episodes of different environment copies are kept
/// apart; ``takeCompletedEpisodes()`` hands over the finished ones in the order they ended.
public final class EpisodeCollector: Observer {
    private var inProgress: [Int: [Transition]] = [:]
    private var completed: [[Transition]] = []

    public init() {}

    public func observe(_ transition: Transition) throws {
        inProgress[transition.environmentIndex, default: []].append(transition)
        if transition.isLast {
            completed.append(inProgress.removeValue(forKey: transition.environmentIndex) ?? [])
        }
    }

    /// The number of finished episodes not yet taken.
    public var completedCount: Int { completed.count }

    /// The finished episodes, oldest first; the collector forgets them.
    public func takeCompletedEpisodes() -> [[Transition]] {
        defer { completed.removeAll() }
        return completed
    }

    /// Forgets everything, unfinished episodes included.
    public func reset() {
        inProgress.removeAll()
        completed.removeAll()
    }
}
