import Agents
import Environments
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `swiftrl bench a3c`: what asynchronous workers buy on this machine. The CartPole-v1
/// preset (``A3CConfig``'s defaults) trains for a fixed number of environment steps with
/// each worker count, seed by seed, the worker counts alternating within a seed so that load
/// from other processes falls on both alike. Each run reports its wall time and environment
/// steps per second, the process CPU time (about `workers` × wall when every worker had a
/// core), the time the workers spent waiting for and holding the shared model's lock, the
/// wall time and steps until the mean return of the last 20 training episodes first reached
/// 475 (CartPole-v1's "solved"), checked after each iteration, and a greedy evaluation.
/// Summaries give the medians per worker count and their ratios to the first count.
public enum A3CBenchmarks {
    public struct Options: Sendable {
        /// The configuration every run starts from; `nWorkers` and `seed` are set per run.
        public var config: A3CConfig
        public var workerCounts: [Int]
        public var seeds: [UInt64]
        public var steps: Int
        public var solveThreshold: Double
        public var solveWindow: Int
        public var evaluationEpisodes: Int

        public init(config: A3CConfig = A3CConfig(), workerCounts: [Int] = [1, 2], seeds: [UInt64] = [1, 2, 3, 4, 5], steps: Int = 200_000,
                    solveThreshold: Double = 475, solveWindow: Int = 20, evaluationEpisodes: Int = 20) {
            self.config = config
            self.workerCounts = workerCounts
            self.seeds = seeds
            self.steps = steps
            self.solveThreshold = solveThreshold
            self.solveWindow = solveWindow
            self.evaluationEpisodes = evaluationEpisodes
        }
    }

    struct Result {
        var wall: Double
        var stepsPerSecond: Double
        var cpu: Double
        var secondsToSolve: Double?
        var stepsToSolve: Int?
        var evaluation: Double
    }

    public static let environment = "CartPole-v1"

    public static func run(_ options: Options, emit: (JSONLine) -> Void) throws {
        var results: [Int: [Result]] = [:]
        for seed in options.seeds {
            for workers in options.workerCounts {
                var config = options.config
                config.nWorkers = workers
                config.seed = seed
                let load = loadAverage()
                let startCPU = processCPUSeconds()
                let start = nanoseconds()
                let agent = try A3CAgent.make(config: config) { try make(environment) }
                var recent: [Double] = []
                var solved: (seconds: Double, steps: Int)?
                while agent.environmentSteps < options.steps {
                    let report = try agent.trainIteration()
                    recent += report.episodes.map(\.episodeReturn)
                    if recent.count > options.solveWindow { recent.removeFirst(recent.count - options.solveWindow) }
                    if solved == nil, recent.count == options.solveWindow,
                       recent.reduce(0, +) / Double(recent.count) >= options.solveThreshold {
                        solved = (Double(nanoseconds() - start) / 1e9, agent.environmentSteps)
                    }
                }
                let wall = Double(nanoseconds() - start) / 1e9
                let cpu = processCPUSeconds() - startCPU
                let evaluation = try meanReturn(of: agent.policy, env: environment, episodes: options.evaluationEpisodes,
                                                seed: seed &+ 1_000)
                let result = Result(wall: wall, stepsPerSecond: Double(agent.environmentSteps) / wall, cpu: cpu,
                                    secondsToSolve: solved?.seconds, stepsToSolve: solved?.steps, evaluation: evaluation)
                results[workers, default: []].append(result)
                var line = JSONLine("a3c_cartpole")
                line.add("env", environment)
                line.add("workers", workers)
                line.add("seed", Int(seed))
                line.add("env_steps", agent.environmentSteps)
                line.add("updates", agent.updates)
                line.add("steps_per_worker", agent.workers.map { $0.core.driver.totalSteps })
                line.add("train_wall_s", wall, digits: 3)
                line.add("steps_per_s", result.stepsPerSecond, digits: 0)
                line.add("process_cpu_s", cpu, digits: 3)
                line.add("lock_wait_s", agent.lockSeconds.waiting, digits: 4)
                line.add("lock_hold_s", agent.lockSeconds.holding, digits: 4)
                line.add("solved", solved != nil)
                line.add("time_to_solve_s", solved?.seconds ?? .nan, digits: 3)
                line.add("steps_to_solve", solved?.steps ?? -1)
                line.add("eval_\(options.evaluationEpisodes)_episodes_mean_return", evaluation, digits: 1)
                line.add("loadavg_1m_before", load, digits: 2)
                emit(line)
            }
        }
        guard let base = options.workerCounts.first, let baseline = results[base] else { return }
        let baseSPS = median(baseline.map(\.stepsPerSecond)), baseWall = median(baseline.map(\.wall))
        let baseSolve = median(baseline.compactMap(\.secondsToSolve))
        for workers in options.workerCounts {
            let runs = results[workers] ?? []
            var summary = JSONLine("a3c_cartpole_summary")
            summary.add("env", environment)
            summary.add("workers", workers)
            summary.add("seeds", runs.count)
            summary.add("cores_online", sysconf(Int32(_SC_NPROCESSORS_ONLN)))
            summary.add("env_steps", options.steps)
            summary.addSpread("steps_per_s", runs.map(\.stepsPerSecond), digits: 0)
            summary.addSpread("train_wall_s", runs.map(\.wall), digits: 3)
            summary.add("cpu_per_wall_median", median(runs.map { $0.cpu / $0.wall }), digits: 2)
            summary.add("solved_runs", runs.filter { $0.secondsToSolve != nil }.count)
            summary.addSpread("time_to_solve_s", runs.map { $0.secondsToSolve ?? .nan }, digits: 3)
            summary.add("steps_to_solve_median", median(runs.compactMap { $0.stepsToSolve.map(Double.init) }), digits: 0)
            summary.add("eval_mean_return_per_seed", runs.map(\.evaluation), digits: 1)
            if workers != base {
                summary.add("steps_per_s_ratio_vs_\(base)_worker", median(runs.map(\.stepsPerSecond)) / baseSPS, digits: 2)
                summary.add("train_wall_speedup_vs_\(base)_worker", baseWall / median(runs.map(\.wall)), digits: 2)
                summary.add("time_to_solve_speedup_vs_\(base)_worker", baseSolve / median(runs.compactMap(\.secondsToSolve)), digits: 2)
            }
            emit(summary)
        }
    }

    /// User plus system time of the whole process, all threads.
    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The 1-minute load average: how busy the machine was (other processes included).
    static func loadAverage() -> Double {
        var loads = [Double](repeating: .nan, count: 3)
        return getloadavg(&loads, 3) > 0 ? loads[0] : .nan
    }
}
