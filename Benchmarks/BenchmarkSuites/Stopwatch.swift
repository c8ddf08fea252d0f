#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic time in nanoseconds, cheap enough to read around microsecond-scale work.
@inline(__always)
func nanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Timing protocol shared by every suite, mirroring the peer scripts in shared/anchors:
/// warm up, then time `repetitions` runs of `iterations` calls and report the median of
/// the per-call means, so one noisy run does not move the figure.
public struct Measurement: Sendable {
    public var runs: [Double]
    public init(runs: [Double]) { self.runs = runs }
    public var median: Double {
        let sorted = runs.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// Times `body` and returns per-call microseconds for each repetition.
    public static func microseconds(warmup: Int, iterations: Int, repetitions: Int, _ body: () -> Void) -> Measurement {
        for _ in 0..<warmup { body() }
        var runs: [Double] = []
        for _ in 0..<repetitions {
            let start = nanoseconds()
            for _ in 0..<iterations { body() }
            runs.append(Double(nanoseconds() - start) / 1000 / Double(iterations))
        }
        return Measurement(runs: runs)
    }
}
