/// Records the return, length and duration of every episode (Gymnasium's
/// `RecordEpisodeStatistics`, gymnasium/wrappers/common.py) and counts episodes, resets and
/// steps (TF-Agents' `RunStats` wrapper).
///
/// The last step of each episode (terminated or truncated) gets an ``EpisodeStatistics`` in its
/// info; the last `bufferLength` episodes stay in ``returnQueue``, ``lengthQueue`` and
/// ``timeQueue``, oldest first.
public final class RecordEpisodeStatistics: EnvironmentWrapper {
    public let wrapped: any Environment
    /// How many recent episodes the queues keep.
    public let bufferLength: Int
    /// The info key prefix of the statistics.
    public let statsKey: String
    /// Returns of the last `bufferLength` episodes.
    public private(set) var returnQueue: [Double] = []
    /// Lengths of the last `bufferLength` episodes.
    public private(set) var lengthQueue: [Int] = []
    /// Durations in seconds of the last `bufferLength` episodes.
    public private(set) var timeQueue: [Double] = []
    /// Episodes finished (Gymnasium's `episode_count`, TF-Agents' `episodes`).
    public private(set) var episodeCount = 0
    /// Calls to reset (TF-Agents' `resets`).
    public private(set) var resets = 0
    /// Steps taken in all episodes (TF-Agents' `total_steps`).
    public private(set) var totalSteps = 0
    /// Return of the current episode so far.
    public private(set) var episodeReturn = 0.0
    /// Steps of the current episode so far (TF-Agents' `episode_steps`).
    public private(set) var episodeLength = 0
    private var episodeStart = ContinuousClock.now

    public init(_ env: any Environment, bufferLength: Int = 100, statsKey: String = "episode") {
        precondition(bufferLength > 0, "RecordEpisodeStatistics: bufferLength must be positive, got \(bufferLength)")
        wrapped = env
        self.bufferLength = bufferLength
        self.statsKey = statsKey
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        let result = try wrapped.reset(seed: seed, options: options)
        resets += 1
        episodeStart = .now
        episodeReturn = 0
        episodeLength = 0
        return result
    }

    public func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        episodeReturn += result.reward
        episodeLength += 1
        totalSteps += 1
        if result.isDone {
            precondition(result.info[statsKey + ".r"] == nil,
                         "RecordEpisodeStatistics: the info already holds '\(statsKey)' statistics; give this wrapper another statsKey")
            let elapsed = (ContinuousClock.now - episodeStart).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
            let statistics = EpisodeStatistics(episodeReturn: episodeReturn, length: episodeLength,
                                               time: (seconds * 1e6).rounded() / 1e6)
            statistics.write(to: &result.info, statsKey: statsKey)
            append(statistics.episodeReturn, to: &returnQueue)
            append(statistics.length, to: &lengthQueue)
            append(statistics.time, to: &timeQueue)
            episodeCount += 1
            episodeStart = .now
        }
        return result
    }

    private func append<T>(_ value: T, to queue: inout [T]) {
        if queue.count == bufferLength { queue.removeFirst() }
        queue.append(value)
    }
}
