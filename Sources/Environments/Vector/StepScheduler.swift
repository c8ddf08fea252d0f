import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides whether a batch of independent environment steps runs on one thread or several,
/// and runs it: the policy of ``VectorParallelism`` shared by ``SyncVectorEnvironment`` and
/// the agents' `Driver`, whose copies are separate environments too.
///
/// Under ``VectorParallelism/automatic`` the first ``calibrationSteps`` batches run on the
/// calling thread and are timed; later batches go parallel when their median exceeds
/// ``parallelThresholdNanoseconds``, there is more than one core and more than one copy.
/// Parallel batches use one thread per core: that is also right for environments stepping
/// in other processes (the Gymnasium bridge), whose workers need the cores themselves.
public struct StepScheduler: Sendable {
    public let parallelism: VectorParallelism
    /// The number of batches ``VectorParallelism/automatic`` times before choosing.
    public static let calibrationSteps = 8
    /// A batch slower than this (50 µs) is split across threads under
    /// ``VectorParallelism/automatic``: handing work to another thread costs a few µs, so
    /// below this the handoff eats the gain.
    public static let parallelThresholdNanoseconds: UInt64 = 50_000

    private var calibrationTimes: [UInt64] = []
    private var decidedParallel: Bool?

    public init(parallelism: VectorParallelism) {
        self.parallelism = parallelism
    }

    /// Whether batches currently run on several threads (after calibration, for automatic).
    public var isParallel: Bool {
        switch parallelism {
        case .sequential: return false
        case .parallel: return true
        case .automatic: return decidedParallel ?? false
        }
    }

    /// Runs `work` over `0..<count` in contiguous ranges: one range on the calling thread, or
    /// several on `DispatchQueue.concurrentPerform`. `work` must touch only the copies in its
    /// range.
    public mutating func run(count: Int, _ work: (Range<Int>) -> Void) {
        let wide = Self.activeCores
        switch parallelism {
        case .sequential:
            Self.perform(count: count, chunks: 1, work)
        case let .parallel(chunks):
            Self.perform(count: count, chunks: chunks ?? wide, work)
        case .automatic:
            if let parallel = decidedParallel {
                Self.perform(count: count, chunks: parallel ? wide : 1, work)
            } else {
                let start = DispatchTime.now().uptimeNanoseconds
                Self.perform(count: count, chunks: 1, work)
                calibrationTimes.append(DispatchTime.now().uptimeNanoseconds - start)
                if calibrationTimes.count >= Self.calibrationSteps {
                    let median = calibrationTimes.sorted()[calibrationTimes.count / 2]
                    decidedParallel = median > Self.parallelThresholdNanoseconds && Self.activeCores > 1 && count > 1
                }
            }
        }
    }

    private static func perform(count: Int, chunks requested: Int, _ work: (Range<Int>) -> Void) {
        let chunks = min(count, max(1, requested))
        if chunks <= 1 {
            work(0..<count)
            return
        }
        withoutActuallyEscaping(work) { work in
            let box = UncheckedWork(work: work)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                box.work(count * chunk / chunks ..< count * (chunk + 1) / chunks)
            }
        }
    }

    /// Cores online, read once: glibc's `sysconf` opens and parses
    /// `/sys/devices/system/cpu/online` on every call, which cost a quarter of a PPO run
    /// on CartPole when it was asked on every step.
    public static let activeCores: Int = {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 2
        #endif
    }()
}

/// The work closure of a parallel batch. Unchecked-Sendable because each thread runs it on
/// a disjoint range of copies, which the type system cannot see.
private struct UncheckedWork: @unchecked Sendable {
    let work: (Range<Int>) -> Void
}
