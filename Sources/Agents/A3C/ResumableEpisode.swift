import Environments

/// Wraps a worker's environment so that the episode in progress when a checkpoint is taken
/// continues after a resume, instead of restarting as ``A2CAgent``'s do.
///
/// Environments have no state snapshot, but under ``EpisodeSeeding/perEpisode`` every
/// episode starts from a seeded reset and then depends only on the actions taken. The
/// wrapper remembers that seed and the actions since; a restored wrapper answers the
/// driver's next reset by resetting with the remembered seed and replaying the actions,
/// which puts the environment (and any time limit inside it) back exactly where it was.
///
/// It also keeps the episode's running return and length, so the returns it reports for a
/// resumed episode count the steps taken before the checkpoint too.
final class ResumableEpisode: EnvironmentWrapper {
    /// An action as the checkpoint stores it (``SpaceValue`` is not Codable).
    enum LoggedAction: Codable, Equatable, Sendable {
        case discrete(Int)
        case float32([Float], shape: [Int])
        case uint8([UInt8], shape: [Int])
        case multiDiscrete([Int])

        init(_ action: Action) {
            switch action {
            case let .discrete(a): self = .discrete(a)
            case let .float32(values, shape): self = .float32(values, shape: shape)
            case let .uint8(values, shape): self = .uint8(values, shape: shape)
            case let .multiDiscrete(values): self = .multiDiscrete(values)
            }
        }

        var action: Action {
            switch self {
            case let .discrete(a): return .discrete(a)
            case let .float32(values, shape): return .float32(values, shape: shape)
            case let .uint8(values, shape): return .uint8(values, shape: shape)
            case let .multiDiscrete(values): return .multiDiscrete(values)
            }
        }
    }

    /// The episode in progress, as a checkpoint stores it.
    struct Progress: Codable, Equatable, Sendable {
        /// The seed of the episode's reset (nil when the driver did not seed it).
        var seed: UInt64?
        var actions: [LoggedAction]
        var episodeReturn: Double
        var length: Int
        /// The observation the episode stands at (its scalars), to check the replay against.
        var observation: [Float] = []
    }

    let wrapped: any Environment
    /// The episode in progress, or nil between episodes (its `observation` left empty:
    /// ``lastObservation`` holds it, and is only flattened when a checkpoint asks).
    private var progress: Progress?
    private var lastObservation: Observation?
    /// The episode to replay at the next reset (set by ``restore(_:)``).
    private var pending: Progress?
    /// Episodes finished since ``takeFinishedEpisodes()``.
    private var finished: [EpisodeSummary] = []

    init(_ wrapped: any Environment) {
        self.wrapped = wrapped
    }

    /// Whether an episode is in progress: a checkpoint then needs ``checkpointProgress`` to continue it.
    var isInEpisode: Bool { progress != nil }

    /// The episode in progress as a checkpoint stores it, or nil between episodes.
    var checkpointProgress: Progress? {
        guard var current = progress else { return nil }
        current.observation = lastObservation?.floats ?? []
        return current
    }

    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        if let replay = pending {
            pending = nil
            return try self.replay(replay, options: options)
        }
        let start = try wrapped.reset(seed: seed, options: options)
        progress = Progress(seed: seed, actions: [], episodeReturn: 0, length: 0)
        lastObservation = start.observation
        return start
    }

    func step(_ action: Action) throws -> Step {
        let result = try wrapped.step(action)
        guard progress != nil else { return result }
        // In place: a copy of `progress` would make every append copy the whole action log.
        progress!.actions.append(LoggedAction(action))
        progress!.episodeReturn += result.reward
        progress!.length += 1
        if result.terminated || result.truncated {
            finished.append(EpisodeSummary(episodeReturn: progress!.episodeReturn, length: progress!.length))
            progress = nil
            lastObservation = nil
        } else {
            lastObservation = result.observation
        }
        return result
    }

    /// Arms the wrapper to continue `episode` at the next reset; nil: start afresh.
    func restore(_ episode: Progress?) {
        pending = episode
        progress = nil
        lastObservation = nil
        finished.removeAll()
    }

    /// The episodes finished since the last call.
    func takeFinishedEpisodes() -> [EpisodeSummary] {
        defer { finished.removeAll() }
        return finished
    }

    private func replay(_ episode: Progress, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        var (observation, info) = try wrapped.reset(seed: episode.seed, options: options)
        for (i, logged) in episode.actions.enumerated() {
            let result = try wrapped.step(logged.action)
            if result.terminated || result.truncated {
                throw A3CError.episodeReplayDiverged(environment: wrapped.id, reason:
                    "the episode ended after \(i + 1) of the \(episode.actions.count) actions replayed")
            }
            observation = result.observation
            info = result.info
        }
        guard observation.floats == episode.observation else {
            throw A3CError.episodeReplayDiverged(environment: wrapped.id, reason:
                "after replaying \(episode.actions.count) actions it observes \(observation), the checkpoint recorded \(episode.observation)")
        }
        var current = episode
        current.observation = []
        progress = current
        lastObservation = observation
        return (observation, info)
    }
}
