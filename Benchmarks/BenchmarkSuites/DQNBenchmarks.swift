import Agents
import Environments
import Foundation

/// `swiftrl bench dqn`: DQN measured the way the peers' anchor scripts measure it.
///
/// - `rlzoo`: RL Zoo's tuned CartPole-v1 DQN for 50,000 steps per seed, timed from the
///   agent's creation to the last update as shared/anchors/sb3_cartpole.py times
///   `model.learn()`, with the same `solved_at` (first step at which the last 20 training
///   episodes average at least 475) and a 20-episode greedy evaluation of the final policy.
/// - `textbook`: *Hands-On Machine Learning*'s basic DQN, 600 episodes of at most 200
///   steps, as shared/anchors/dqn_cartpole_tf2.py runs the book's TensorFlow 2 code, with the
///   same best and final 20-episode mean returns.
/// - `acrobot`, `mountaincar`, `minatar-breakout`: learning curves with each environment's
///   preset (RL Zoo's, the MinAtar paper's): every `curveInterval` steps a line with the
///   mean training return since the previous line and a greedy evaluation.
///
/// Summary lines give the median and spread over seeds and the ratios to the anchors'
/// recorded figures; Benchmarks/compare-dqn.sh measures the peers side by side instead.
public enum DQNBenchmarks {
    public enum Workload: String, CaseIterable, Sendable {
        case rlzoo, textbook, acrobot, mountaincar, minatarBreakout = "minatar-breakout"
    }

    public struct Options: Sendable {
        public var workloads: [Workload]
        public var seeds: [UInt64]
        /// Steps for the learning-curve workloads; nil: each preset's budget (the
        /// Done-means budgets: 100k Acrobot, 150k MountainCar, 1M MinAtar Breakout).
        public var curveSteps: Int?
        /// Episodes of each greedy evaluation on a learning curve.
        public var evaluationEpisodes: Int

        public init(workloads: [Workload] = [.rlzoo, .textbook], seeds: [UInt64] = [1, 2, 3, 4, 5], curveSteps: Int? = nil,
                    evaluationEpisodes: Int = 10) {
            self.workloads = workloads
            self.seeds = seeds
            self.curveSteps = curveSteps
            self.evaluationEpisodes = evaluationEpisodes
        }
    }

    /// shared/anchors/README.md: SB3 2.9 DQN with RL Zoo's CartPole settings, 50k steps.
    public static let stableBaselinesAnchorSeconds = 30.2
    /// shared/anchors/README.md: the book's TensorFlow 2 basic DQN, 600 episodes.
    public static let tensorFlowAnchorSeconds: ClosedRange<Double> = 369...479

    public static func run(_ options: Options, emit: (JSONLine) -> Void) throws {
        for workload in options.workloads {
            switch workload {
            case .rlzoo: try rlZooCartPole(seeds: options.seeds, emit: emit)
            case .textbook: try textbook(seeds: options.seeds, emit: emit)
            case .acrobot:
                try curve(env: "Acrobot-v1", config: .rlZooAcrobot, steps: options.curveSteps ?? 100_000, interval: 10_000,
                          options: options, emit: emit)
            case .mountaincar:
                try curve(env: "MountainCar-v0", config: .rlZooMountainCar, steps: options.curveSteps ?? 150_000,
                          interval: 10_000, options: options, emit: emit)
            case .minatarBreakout:
                try curve(env: "MinAtar/Breakout-v1", config: .minAtar, steps: options.curveSteps ?? 1_000_000,
                          interval: 50_000, options: options, emit: emit)
            }
        }
    }

    // MARK: - RL Zoo CartPole

    static func rlZooCartPole(seeds: [UInt64], emit: (JSONLine) -> Void) throws {
        var walls: [Double] = [], evaluations: [Double] = []
        var solvedAt: [Int] = []
        for seed in seeds {
            var config = DQNConfig.rlZooCartPole
            config.seed = seed
            let start = nanoseconds()
            let agent = try DQNAgent.make(config: config, environment: try make("CartPole-v1"))
            var returns: [Double] = []
            var solved: Int?
            while agent.environmentSteps < 50_000 {
                let report = try agent.trainIteration()
                for episode in report.episodes {
                    returns.append(episode.episodeReturn)
                    if solved == nil && returns.count >= 20 && mean(returns.suffix(20)) >= 475 {
                        solved = agent.environmentSteps
                    }
                }
            }
            let wall = seconds(since: start)
            let evaluation = try meanReturn(of: agent.policy, env: "CartPole-v1", episodes: 20, seed: seed &+ 1_000)
            walls.append(wall)
            evaluations.append(evaluation)
            if let solved { solvedAt.append(solved) }
            var line = JSONLine("dqn_rlzoo_cartpole")
            line.add("seed", Int(seed))
            line.add("env_steps", agent.environmentSteps)
            line.add("gradient_updates", agent.gradientUpdates)
            line.add("train_wall_s", wall, digits: 3)
            line.add("env_steps_per_s", Double(agent.environmentSteps) / wall, digits: 0)
            line.add("solved_at", solved ?? -1)
            line.add("eval_20_episodes_mean_return", evaluation, digits: 1)
            emit(line)
        }
        var summary = JSONLine("dqn_rlzoo_cartpole_summary")
        summary.add("seeds", seeds.count)
        let medianWall = median(walls)
        summary.addSpread("train_wall_s", walls)
        summary.add("eval_mean_return_per_seed", evaluations, digits: 1)
        summary.add("eval_mean_return_median", median(evaluations), digits: 1)
        summary.add("seeds_solved_in_training", solvedAt.count)
        // Recorded on this machine, not measured side by side: see compare-dqn.sh for that.
        summary.add("sb3_anchor_wall_s", stableBaselinesAnchorSeconds, digits: 1)
        summary.add("speedup_vs_sb3_anchor", stableBaselinesAnchorSeconds / medianWall, digits: 1)
        emit(summary)
    }

    // MARK: - Textbook

    static func textbook(seeds: [UInt64], emit: (JSONLine) -> Void) throws {
        var walls: [Double] = [], best: [Double] = [], final: [Double] = []
        for seed in seeds {
            var config = DQNConfig.textbook
            config.seed = seed
            let environment = try make("CartPole-v1", options: ["max_episode_steps": "200"])
            let start = nanoseconds()
            let agent = try DQNAgent.make(config: config, environment: environment)
            var returns: [Double] = []
            while returns.count < 600 {
                returns += try agent.trainIteration().episodes.map(\.episodeReturn)
            }
            let wall = seconds(since: start)
            let window = (20...returns.count).map { mean(returns[($0 - 20)..<$0]) }
            walls.append(wall)
            best.append(window.max()!)
            final.append(window.last!)
            var line = JSONLine("dqn_textbook")
            line.add("seed", Int(seed))
            line.add("episodes", returns.count)
            line.add("env_steps", agent.environmentSteps)
            line.add("train_steps", agent.gradientUpdates)
            line.add("train_wall_s", wall, digits: 3)
            line.add("best_20ep_mean_return", window.max()!, digits: 1)
            line.add("final_20ep_mean_return", window.last!, digits: 1)
            emit(line)
        }
        var summary = JSONLine("dqn_textbook_summary")
        summary.add("seeds", seeds.count)
        let medianWall = median(walls)
        summary.addSpread("train_wall_s", walls)
        summary.add("best_20ep_mean_return_per_seed", best, digits: 1)
        summary.add("final_20ep_mean_return_per_seed", final, digits: 1)
        summary.add("tf2_anchor_wall_s", [tensorFlowAnchorSeconds.lowerBound, tensorFlowAnchorSeconds.upperBound], digits: 0)
        summary.add("speedup_vs_tf2_anchor_min", tensorFlowAnchorSeconds.lowerBound / medianWall, digits: 0)
        summary.add("speedup_vs_tf2_anchor_max", tensorFlowAnchorSeconds.upperBound / medianWall, digits: 0)
        emit(summary)
    }

    // MARK: - Learning curves

    static func curve(env: String, config preset: DQNConfig, steps: Int, interval: Int, options: Options,
                      emit: (JSONLine) -> Void) throws {
        var finals: [Double] = [], bests: [Double] = [], walls: [Double] = []
        for seed in options.seeds {
            var config = preset
            config.seed = seed
            let agent = try DQNAgent.make(config: config, environment: try make(env))
            var training = 0.0, next = interval, best = -Double.infinity, last = Double.nan
            var returns: [Double] = []
            while agent.environmentSteps < steps {
                let start = nanoseconds()
                returns += try agent.trainIteration().episodes.map(\.episodeReturn)
                training += seconds(since: start)
                if agent.environmentSteps >= next || agent.environmentSteps >= steps {
                    next = (agent.environmentSteps / interval + 1) * interval
                    last = try meanReturn(of: agent.policy, env: env, episodes: options.evaluationEpisodes,
                                          seed: seed &* 1_000_003 &+ UInt64(agent.environmentSteps))
                    best = max(best, last)
                    var line = JSONLine("dqn_curve")
                    line.add("env", env)
                    line.add("seed", Int(seed))
                    line.add("env_steps", agent.environmentSteps)
                    line.add("train_wall_s", training, digits: 1)
                    line.add("train_episodes", returns.count)
                    line.add("train_return_mean", returns.isEmpty ? .nan : mean(returns[...]), digits: 2)
                    line.add("eval_mean_return", last, digits: 2)
                    emit(line)
                    returns.removeAll()
                }
            }
            finals.append(last)
            bests.append(best)
            walls.append(training)
        }
        var summary = JSONLine("dqn_curve_summary")
        summary.add("env", env)
        summary.add("seeds", options.seeds.count)
        summary.add("env_steps", steps)
        summary.add("final_eval_per_seed", finals, digits: 2)
        summary.add("final_eval_median", median(finals), digits: 2)
        summary.add("best_eval_per_seed", bests, digits: 2)
        summary.add("best_eval_median", median(bests), digits: 2)
        summary.add("train_wall_s_median", median(walls), digits: 1)
        emit(summary)
    }

    // MARK: - Helpers

    static func mean<C: Collection>(_ values: C) -> Double where C.Element == Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    static func seconds(since start: UInt64) -> Double { Double(nanoseconds() - start) / 1e9 }
}
