import Environments
import Randomness
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time of the whole process in nanoseconds.
func cpuNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// `swiftrl bench envs`: raw environment throughput with random actions, measured the way
/// shared/anchors/env_throughput.py measures Gymnasium, MinAtar and EnvPool: actions drawn
/// before timing, resets after termination or truncation inside the timed region, steps
/// counted per copy for vector environments, median over several runs.
public enum EnvironmentBenchmarks {
    /// Options for a run.
    public struct Options: Sendable {
        /// Short runs, for a smoke test.
        public var quick: Bool
        /// Timed runs per measurement; the median is reported.
        public var repetitions: Int
        /// Environment ids to measure; empty measures every registered one.
        public var only: Set<String>
        /// Copy counts for the vector measurements.
        public var vectorSizes: [Int]
        /// Also step the largest SyncVectorEnvironment on every core.
        public var parallel: Bool

        public init(quick: Bool = false, repetitions: Int = 5, only: Set<String> = [], vectorSizes: [Int] = [8, 1024],
                    parallel: Bool = true) {
            self.quick = quick
            self.repetitions = repetitions
            self.only = only
            self.vectorSizes = vectorSizes
            self.parallel = parallel
        }

        /// Seconds one timed run aims at.
        var runSeconds: Double { quick ? 0.03 : 0.3 }
    }

    /// Measures every environment of `registry` and hands each JSON line to `emit` as soon as
    /// it is measured. Throws only when an id of `options.only` is not registered.
    public static func run(_ options: Options = Options(), registry: Registry = .shared, emit: (JSONLine) -> Void) throws {
        for id in options.only.sorted() { _ = try registry.spec(id) }
        let ids = registry.specs.map(\.id).filter { options.only.isEmpty || options.only.contains($0) }
        for id in ids {
            do {
                emit(try single(id: id, registry: registry, options: options))
                for size in options.vectorSizes {
                    emit(try syncVector(id: id, count: size, parallelism: .sequential, registry: registry, options: options))
                    if options.parallel && size == options.vectorSizes.max() {
                        emit(try syncVector(id: id, count: size, parallelism: .parallel(), registry: registry, options: options))
                    }
                }
            } catch {
                var line = JSONLine("env_throughput")
                line.add("env", id)
                line.add("error", "\(error)")
                emit(line)
            }
            if id == "CartPole-v1" {
                for size in options.vectorSizes { emit(try vectorCartPole(count: size, options: options)) }
            }
        }
        if !ids.contains("CartPole-v1") && (options.only.isEmpty || options.only.contains("VectorCartPole")) {
            for size in options.vectorSizes { emit(try vectorCartPole(count: size, options: options)) }
        }
    }

    /// Times `body` (which performs `stepsPerCall` environment steps per call): a warm-up
    /// sizes the runs to about ``Options/runSeconds`` each.
    static func measure(stepsPerCall: Int, options: Options, _ body: () throws -> Void) rethrows
        -> (runs: [Double], cpuRuns: [Double], steps: Int) {
        var calls = 1
        while true {
            let start = nanoseconds()
            for _ in 0..<calls { try body() }
            let seconds = Double(nanoseconds() - start) / 1e9
            if seconds > options.runSeconds / 10 || calls >= 1 << 30 {
                calls = max(1, Int(Double(calls) * options.runSeconds / max(seconds, 1e-9)))
                break
            }
            calls *= 4
        }
        var runs: [Double] = [], cpuRuns: [Double] = []
        for _ in 0..<options.repetitions {
            let start = nanoseconds(), cpuStart = cpuNanoseconds()
            for _ in 0..<calls { try body() }
            runs.append(Double(calls * stepsPerCall) / (Double(nanoseconds() - start) / 1e9))
            cpuRuns.append(Double(calls * stepsPerCall) / (Double(cpuNanoseconds() - cpuStart) / 1e9))
        }
        return (runs, cpuRuns, calls * stepsPerCall)
    }

    static func line(id: String, kind: String, count: Int, runs: [Double], cpuRuns: [Double], steps: Int) -> JSONLine {
        var line = JSONLine("env_throughput")
        line.add("env", id)
        line.add("kind", kind)
        line.add("num_envs", count)
        line.add("timed_steps_per_run", steps)
        line.add("sps_runs", runs, digits: 0)
        line.add("sps_median", Measurement(runs: runs).median, digits: 0)
        // Steps per CPU-second of this process (all threads), as env_throughput.py's
        // cpu_sps_median: close to sps on a quiet machine, steadier on a busy one.
        line.add("cpu_sps_median", Measurement(runs: cpuRuns).median, digits: 0)
        return line
    }

    /// A pool of random actions cycled through while timing: drawing them is outside the
    /// timed region, as in env_throughput.py.
    static func actionPool(_ space: Space, size: Int, seed: UInt64) -> [Action] {
        var generator = RandomGenerator(seed: seed)
        return (0..<size).map { _ in space.sample(using: &generator) }
    }

    /// One environment from `make` (so with its TimeLimit), resetting when an episode ends.
    public static func single(id: String, registry: Registry = .shared, options: Options) throws -> JSONLine {
        let environment = try registry.make(id)
        _ = try environment.reset(seed: 0)
        let pool = actionPool(environment.actionSpace, size: 4096, seed: 1)
        // Environments whose legal actions depend on the state draw each action when it is
        // needed (inside the timed region), since a pre-drawn one may be illegal then.
        let restricted = environment.unwrapped is any LegalActionsEnvironment
        var generator = RandomGenerator(seed: 1)
        var index = 0
        let batch = 64
        let result = try measure(stepsPerCall: batch, options: options) {
            for _ in 0..<batch {
                let action = restricted ? environment.sampleAction(using: &generator) : pool[index & 4095]
                let step = try environment.step(action)
                index &+= 1
                if step.terminated || step.truncated { _ = try environment.reset(seed: nil) }
            }
        }
        var summary = line(id: id, kind: "single", count: 1, runs: result.runs, cpuRuns: result.cpuRuns, steps: result.steps)
        if restricted { summary.add("note", "legal actions sampled inside the timed loop") }
        return summary
    }

    /// `count` copies in a ``SyncVectorEnvironment``.
    public static func syncVector(id: String, count: Int, parallelism: VectorParallelism, registry: Registry = .shared,
                                  options: Options) throws -> JSONLine {
        let environment = try SyncVectorEnvironment(id: id, count: count, registry: registry, parallelism: parallelism)
        _ = try environment.reset(seed: 0)
        let batches = (0..<16).map { actionPool(environment.singleActionSpace, size: count, seed: UInt64($0)) }
        let restricted = environment.environments[0].unwrapped is any LegalActionsEnvironment
        var generator = RandomGenerator(seed: 1)
        var index = 0
        let result = try measure(stepsPerCall: count, options: options) {
            let actions = restricted ? environment.environments.map { $0.sampleAction(using: &generator) } : batches[index & 15]
            _ = try environment.step(actions)
            index &+= 1
        }
        let kind = parallelism == .sequential ? "sync_vector" : "sync_vector_parallel"
        return line(id: id, kind: kind, count: count, runs: result.runs, cpuRuns: result.cpuRuns, steps: result.steps)
    }

    /// The structure-of-arrays ``VectorCartPole`` through its batch step.
    public static func vectorCartPole(count: Int, options: Options) throws -> JSONLine {
        let environment = try VectorCartPole(count: count)
        environment.resetAll(seed: 0)
        var generator = RandomGenerator(seed: 1)
        let batches: [[Int32]] = (0..<16).map { _ in (0..<count).map { _ in Int32(generator.int(below: 2)) } }
        var index = 0
        let result = try measure(stepsPerCall: count, options: options) {
            try environment.step(actions: batches[index & 15])
            index &+= 1
        }
        return line(id: "CartPole-v1", kind: "vector_cartpole", count: count, runs: result.runs, cpuRuns: result.cpuRuns, steps: result.steps)
    }
}
