/// The statistics ``RecordEpisodeStatistics`` adds to the info of an episode's last step
/// (Gymnasium's `info["episode"]` with keys `r`, `l`, `t`).
///
/// ``Info`` is flat, so the entries are stored under `"<key>.r"` (return, double),
/// `"<key>.l"` (length, int) and `"<key>.t"` (seconds, double), with `key` = `"episode"` by
/// default; read them back with ``init(_:statsKey:)``.
public struct EpisodeStatistics: Sendable, Hashable {
    /// The undiscounted sum of rewards (`r`).
    public var episodeReturn: Double
    /// The number of steps (`l`).
    public var length: Int
    /// Wall-clock seconds from reset to the last step, rounded to microseconds (`t`).
    public var time: Double

    public init(episodeReturn: Double, length: Int, time: Double) {
        self.episodeReturn = episodeReturn
        self.length = length
        self.time = time
    }

    /// The statistics recorded in `info`, or nil when the step did not end an episode.
    public init?(_ info: Info, statsKey: String = "episode") {
        guard case let .double(r)? = info[statsKey + ".r"], case let .int(l)? = info[statsKey + ".l"],
              case let .double(t)? = info[statsKey + ".t"] else { return nil }
        self.init(episodeReturn: r, length: l, time: t)
    }

    /// Writes the statistics into `info` under `statsKey`.
    public func write(to info: inout Info, statsKey: String = "episode") {
        info[statsKey + ".r"] = .double(episodeReturn)
        info[statsKey + ".l"] = .int(length)
        info[statsKey + ".t"] = .double(time)
    }
}
