import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CPU compute backend: which GEMM runs, how many threads large kernels use, and
/// which instruction set our own kernels dispatch to.
///
/// GPU backends arrive later behind the same ``Tensor`` API; everything here is about the
/// CPU path and is safe to leave at its defaults.
public enum CPU {
    /// Whether GEMMs above ``blasThreshold`` go to OpenBLAS when it could be loaded.
    /// Defaults to true unless the environment sets `SWIFTRL_BLAS=0`.
    nonisolated(unsafe) public static var blasEnabled: Bool = {
        if let value = getenv("SWIFTRL_BLAS"), String(cString: value) == "0" { return false }
        return true
    }()

    /// Multiply-add count (M·N·K) from which a GEMM whose dimensions are all at least 256
    /// goes to OpenBLAS. Measured with `swiftrl bench core`, our register-blocked kernels beat
    /// OpenBLAS 0.3.21 at every RL shape (up to the 32×512×3136 Nature-DQN dense layer and
    /// the convolution GEMMs), so only large square-ish products go to it.
    nonisolated(unsafe) public static var blasThreshold: Int = 1 << 26

    /// Threads that large kernels split across (defaults to the number of cores, at most 8).
    nonisolated(unsafe) public static var threadCount: Int = {
        if let value = getenv("SWIFTRL_THREADS"), let n = Int(String(cString: value)), n > 0 { return n }
        return max(1, min(8, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()

    /// Multiply-add count (M·N·K) from which our GEMM splits rows of C across threads.
    /// The helper team costs well under a microsecond per GEMM while it is awake: a
    /// 128x64x64 product (0.5M multiply-adds, about 5 µs) ran 1.4x faster on two cores and
    /// a 64x256x256 one 1.9x. At 64x64x64 the split made a whole training step slower (the
    /// halves of C then travel between the cores' caches), so that size stays on one thread.
    nonisolated(unsafe) public static var gemmParallelThreshold: Int = 1 << 19

    /// Work (in scalar operations) below which a kernel stays on the calling thread:
    /// waking another thread costs a few microseconds.
    nonisolated(unsafe) public static var parallelThreshold: Int = 1 << 16

    /// True when OpenBLAS was found and loaded (loading is attempted once, on first use).
    public static var isBLASAvailable: Bool { blasLoaded }

    /// Where OpenBLAS was loaded from and which core it uses, or why it was not loaded.
    public static var blasDescription: String {
        _ = blasLoaded
        return String(cString: srl_blas_description())
    }

    private static let blasLoaded: Bool = {
        guard srl_blas_load() == 1 else { return false }
        // Our own code splits work across threads; OpenBLAS threads itself only for
        // shapes where that pays, and its pool must not fight ours.
        srl_blas_set_threads(Int32(min(threadCount, 2)))
        return true
    }()

    /// The instruction-set level our kernels use: "avx512", "avx2" or "portable".
    public static var instructionSet: String {
        switch srl_cpu_level() {
        case 2: return "avx512"
        case 1: return "avx2"
        default: return "portable"
        }
    }

    /// Makes the C allocator keep freed memory for reuse rather than hand it back to the
    /// kernel (glibc only; a no-op elsewhere). Training frees and reallocates the same large
    /// arrays every step, and each return to the kernel costs page faults on the next step:
    /// PPO with the Nature CNN on Pong ran 1.4x faster with it. The process keeps its peak
    /// memory instead of shrinking between steps. `swiftrl` calls it at startup.
    @discardableResult
    public static func retainFreedMemory() -> Bool { srl_retain_freed_memory() != 0 }

    /// Caps our kernels at an instruction-set level (0 portable, 1 AVX2, 2 AVX-512), or
    /// removes the cap with nil. Tests use it to check every variant against the others.
    public static func capInstructionSet(level: Int?) {
        srl_set_cpu_level_cap(Int32(level ?? -1))
    }

    /// Row-major `C = alpha·op(A)·op(B) + beta·C` on raw memory, through OpenBLAS for
    /// large shapes when available and otherwise our kernels, split across threads by rows of C.
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, route: GEMMRoute = .automatic) {
        let work = m &* n &* k
        let ta: Int32 = transposeA ? 1 : 0, tb: Int32 = transposeB ? 1 : 0
        // Narrow products (convolutions have 32-64 output channels) stay on our kernels at
        // any size: they measured twice as fast as OpenBLAS there.
        let useBLAS: Bool
        switch route {
        case .automatic: useBLAS = blasEnabled && work >= blasThreshold && min(m, n, k) >= 256 && blasLoaded
        case .blas:
            precondition(blasLoaded, "CPU.gemm: route .blas but OpenBLAS is not loaded (\(blasDescription))")
            useBLAS = true
        case .ownKernels: useBLAS = false
        }
        if useBLAS {
            srl_blas_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        if threadCount < 2 || work < gemmParallelThreshold {
            srl_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        // C split across the helper team (see srl_team_run), which stays awake between the
        // GEMMs of a training step: by rows, or by columns for a wide transposed B; too
        // few of either and it runs here.
        srl_sgemm_team(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threadCount)
    }

    /// Runs `body` over `0..<count` in contiguous chunks, on several threads when
    /// `count * costPerItem` is large enough to pay for them.
    ///
    /// Always inlined: on the single-threaded path the caller's loop closure, and any
    /// element function it calls, then inline into one vectorisable loop.
    @inlinable @inline(__always)
    public static func parallelFor(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        if threadCount < 2 || count < 2 || count &* costPerItem < parallelThreshold {
            body(0..<count)
        } else {
            parallelForAcrossThreads(count, body)
        }
    }

    /// The multi-threaded half of ``parallelFor(_:costPerItem:_:)``, kept out of line so the
    /// inlined single-threaded path sees the loop closure as a plain call. Runs on the
    /// helper team (see `srl_team_run`), like the GEMMs.
    @usableFromInline
    static func parallelForAcrossThreads(_ count: Int, _ body: (Range<Int>) -> Void) {
        let threads = min(threadCount, count)
        withoutActuallyEscaping(body) { body in
            var job = TeamJob(count: count, body: body)
            withUnsafeMutablePointer(to: &job) { pointer in
                srl_team_run({ context, part, parts in
                    let job = context!.assumingMemoryBound(to: TeamJob.self)
                    let range = CPU.chunk(part, of: parts, total: job.pointee.count)
                    if !range.isEmpty { job.pointee.body(range) }
                }, pointer, threads)
            }
        }
    }

    /// Runs `first` and `second` at the same time, one on the calling thread and one on a
    /// helper of the team (or both here, one after the other, when no helper is free), and
    /// returns both results. The two must touch disjoint state; each may record on its own
    /// gradient tape, since tapes are per thread. Used to differentiate an actor's and a
    /// critic's losses apart.
    public static func concurrently<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
        var a: A?, b: B?
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                // Two parts of one item each; with one thread both run here, in order.
                parallelForAcrossThreads(2) { parts in
                    for part in parts {
                        if part == 0 { a = first() } else { b = second() }
                    }
                }
            }
        }
        return (a!, b!)
    }

    @usableFromInline @inline(__always)
    static func chunk(_ index: Int, of parts: Int, total: Int) -> Range<Int> {
        let base = total / parts, extra = total % parts
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }
}

/// Which implementation a GEMM runs on.
public enum GEMMRoute: Sendable {
    /// OpenBLAS for large square-ish products when loaded, otherwise our kernels.
    case automatic
    /// Always OpenBLAS (it must be loaded): for benchmarks and tests of that path.
    case blas
    /// Always SwiftRL's own kernels.
    case ownKernels
}

/// A loop handed to the helper team: each part runs `body` on its chunk of `0..<count`.
struct TeamJob {
    let count: Int
    let body: (Range<Int>) -> Void
}
