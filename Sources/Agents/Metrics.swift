#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A running statistic fed by a driver's transitions (TF-Agents' `PyStepMetric`s): a name,
/// a current ``result()``, and ``reset()``. ``key`` is the name in logs, CleanRL's
/// (`charts/episodic_return`), so curves line up with theirs in TensorBoard.
public protocol Metric: Observer {
    /// TF-Agents' name: `AverageReturn`, `NumberOfEpisodes`, ...
    var name: String { get }
    /// The log key: `charts/episodic_return`, ...
    var key: String { get }
    func result() -> Double
    func reset()
}

/// Episodes finished (TF-Agents' `NumberOfEpisodes`).
public final class NumberOfEpisodes: Metric {
    public let name = "NumberOfEpisodes"
    public let key = "charts/episodes"
    public private(set) var count = 0
    public init() {}
    public func observe(_ transition: Transition) { if transition.isLast { count += 1 } }
    public func result() -> Double { Double(count) }
    public func reset() { count = 0 }
}

/// Environment steps taken (TF-Agents' `EnvironmentSteps`).
public final class EnvironmentSteps: Metric {
    public let name = "EnvironmentSteps"
    public let key = "charts/environment_steps"
    public private(set) var count = 0
    public init() {}
    public func observe(_ transition: Transition) { count += 1 }
    public func result() -> Double { Double(count) }
    public func reset() { count = 0 }
}

/// Sums rewards and counts steps per environment copy until each episode ends, and keeps the
/// last `bufferSize` finished episodes: what ``AverageReturn`` and ``AverageEpisodeLength``
/// average.
public final class EpisodeStatisticsBuffer: Observer {
    public let bufferSize: Int
    /// Per copy, indexed by `environmentIndex` (grown on demand): a dictionary's hashing was
    /// a visible part of stepping CartPole.
    @exclusivity(unchecked) private var runningReturn: [Double] = []
    @exclusivity(unchecked) private var runningLength: [Int] = []
    /// The last finished episodes' returns and lengths, oldest first.
    public private(set) var returns: [Double] = []
    public private(set) var lengths: [Int] = []
    /// Every episode ever finished (not only the window), for logging each one.
    public private(set) var finishedCount = 0
    /// Called with (return, length) whenever an episode finishes.
    public var onEpisodeEnd: ((Double, Int) -> Void)?

    public init(bufferSize: Int = 10) {
        precondition(bufferSize > 0, "EpisodeStatisticsBuffer: bufferSize must be positive, got \(bufferSize)")
        self.bufferSize = bufferSize
    }

    /// An episode that ends with `info["game_return"]` (``RecordGameStatistics``) counts with
    /// the whole game's raw score and length; one that ends with `info["life_lost"]`
    /// (``EpisodicLife``: a life, the game goes on) does not count: as SB3's `Monitor` logs.
    public func observe(_ transition: Transition) {
        let copy = transition.environmentIndex
        if copy >= runningReturn.count {
            runningReturn += Array(repeating: 0, count: copy + 1 - runningReturn.count)
            runningLength += Array(repeating: 0, count: copy + 1 - runningLength.count)
        }
        var total = runningReturn[copy] + transition.reward
        var length = runningLength[copy] + 1
        guard transition.isLast else {
            runningReturn[copy] = total
            runningLength[copy] = length
            return
        }
        runningReturn[copy] = 0
        runningLength[copy] = 0
        if case .bool(true)? = transition.info["life_lost"] { return }
        if case let .double(score)? = transition.info["game_return"], case let .int(steps)? = transition.info["game_length"] {
            total = score
            length = steps
        }
        returns.append(total)
        lengths.append(length)
        if returns.count > bufferSize {
            returns.removeFirst()
            lengths.removeFirst()
        }
        finishedCount += 1
        onEpisodeEnd?(total, length)
    }

    public func reset() {
        runningReturn.removeAll()
        runningLength.removeAll()
        returns.removeAll()
        lengths.removeAll()
        finishedCount = 0
    }
}

/// The mean return of the last `bufferSize` finished episodes (TF-Agents' `AverageReturnMetric`,
/// default window 10); 0 before any episode finishes.
public final class AverageReturn: Metric {
    public let name = "AverageReturn"
    public let key = "charts/episodic_return"
    public let episodes: EpisodeStatisticsBuffer
    public init(bufferSize: Int = 10) { episodes = EpisodeStatisticsBuffer(bufferSize: bufferSize) }
    public func observe(_ transition: Transition) { episodes.observe(transition) }
    public func result() -> Double { episodes.returns.isEmpty ? 0 : episodes.returns.reduce(0, +) / Double(episodes.returns.count) }
    public func reset() { episodes.reset() }
}

/// The mean length of the last `bufferSize` finished episodes (TF-Agents' `AverageEpisodeLengthMetric`).
public final class AverageEpisodeLength: Metric {
    public let name = "AverageEpisodeLength"
    public let key = "charts/episodic_length"
    public let episodes: EpisodeStatisticsBuffer
    public init(bufferSize: Int = 10) { episodes = EpisodeStatisticsBuffer(bufferSize: bufferSize) }
    public func observe(_ transition: Transition) { episodes.observe(transition) }
    public func result() -> Double {
        episodes.lengths.isEmpty ? 0 : Double(episodes.lengths.reduce(0, +)) / Double(episodes.lengths.count)
    }
    public func reset() { episodes.reset() }
}

/// Environment steps per second of wall-clock time since the last reset (CleanRL's `charts/SPS`).
public final class StepsPerSecond: Metric {
    public let name = "StepsPerSecond"
    public let key = "charts/SPS"
    private var steps = 0
    private var start: Double
    private let clock: () -> Double

    /// `clock` returns seconds; the default is the monotonic clock. Tests pass their own.
    public init(clock: @escaping () -> Double = monotonicSeconds) {
        self.clock = clock
        start = clock()
    }

    public func observe(_ transition: Transition) { steps += 1 }
    public func result() -> Double {
        let elapsed = clock() - start
        return elapsed > 0 ? Double(steps) / elapsed : 0
    }
    public func reset() {
        steps = 0
        start = clock()
    }
}

/// Seconds on the monotonic clock.
public func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
