import Agents
import Environments
import Foundation

/// `swiftrl bench a2c`: A2C and PPO timed as the anchors time their peers.
///
/// - `tutorial`: the TF2 A2C tutorial's setup (`A2CConfig.tutorial`, 1,000 updates of 32
///   steps on CartPole-v0), beside shared/anchors/a2c_cartpole_tf2.py (15–19 s with
///   `tf.function`, 270–322 s as written).
/// - `sb3`: SB3's default A2C with 8 environments on CartPole-v1 for 100,000 steps, beside
///   shared/anchors/sb3_cartpole.py --algo a2c (7.9 s).
/// - `ppo`: RL Zoo's CartPole-v1 PPO (the `PPOConfig` defaults) for 100,000 steps, beside
///   sb3_cartpole.py --algo ppo (17.1 s).
/// - `purejaxrl`: PureJaxRL's CartPole PPO (4 environments of 128 steps, 4 epochs of 4
///   minibatches, learning rate 2.5e-4 annealed, entropy 0.01, value clipping 0.2) for
///   500,000 steps, beside ppo_gymnax_purejaxrl.py (2.1–2.5 s run after a 4.7 s compile).
///
/// Each run is timed from the agent's creation to its last update, then its greedy policy is
/// evaluated on 20 episodes.
public enum ActorCriticBenchmarks {
    public enum Workload: String, CaseIterable, Sendable {
        case tutorial, sb3, ppo, purejaxrl
    }

    /// PureJaxRL's CartPole-v1 configuration (shared/anchors/ppo_gymnax_purejaxrl.py).
    public static var pureJaxRLConfig: PPOConfig {
        var config = PPOConfig()
        config.nEnvs = 4
        config.nSteps = 128
        config.batchSize = 128
        config.nEpochs = 4
        config.learningRate = .linear(from: 2.5e-4, to: 0, steps: 500_000)
        config.clipRange = .constant(0.2)
        config.clipRangeVf = 0.2
        config.gamma = 0.99
        config.gaeLambda = 0.95
        config.entCoef = 0.01
        return config
    }

    /// shared/anchors/README.md, this machine.
    public static let tensorFlowFunctionAnchorSeconds: ClosedRange<Double> = 15...19
    public static let stableBaselinesAnchorSeconds = 7.9
    public static let stableBaselinesPPOAnchorSeconds = 17.1
    public static let pureJaxRLAnchorSeconds: ClosedRange<Double> = 2.1...2.5

    public static func run(workloads: [Workload], seeds: [UInt64], emit: (JSONLine) -> Void) throws {
        for workload in workloads {
            let (env, steps): (String, Int)
            switch workload {
            case .tutorial: (env, steps) = ("CartPole-v0", 32_000)
            case .purejaxrl: (env, steps) = ("CartPole-v1", 500_000)
            case .sb3, .ppo: (env, steps) = ("CartPole-v1", 100_000)
            }
            let name = workload == .ppo ? "ppo_rlzoo" : workload == .purejaxrl ? "ppo_purejaxrl" : "a2c_\(workload.rawValue)"
            var walls: [Double] = [], evaluations: [Double] = []
            for seed in seeds {
                let start = nanoseconds()
                let agent: any Agent
                let updates: () -> Int
                if workload == .ppo || workload == .purejaxrl {
                    var config = workload == .ppo ? PPOConfig() : pureJaxRLConfig
                    config.seed = seed
                    let ppo = try PPOAgent.make(config: config) { try make(env) }
                    while ppo.environmentSteps < steps { try ppo.update() }
                    (agent, updates) = (ppo, { ppo.gradientSteps })
                } else {
                    var config = workload == .tutorial ? A2CConfig.tutorial : A2CConfig()
                    config.seed = seed
                    let a2c = try A2CAgent.make(config: config) { try make(env) }
                    while a2c.environmentSteps < steps { try a2c.update() }
                    (agent, updates) = (a2c, { a2c.updates })
                }
                let wall = Double(nanoseconds() - start) / 1e9
                let evaluation = try meanReturn(of: agent.policy, env: env, episodes: 20, seed: seed &+ 1_000)
                walls.append(wall)
                evaluations.append(evaluation)
                var line = JSONLine(name)
                line.add("env", env)
                line.add("seed", Int(seed))
                line.add("env_steps", agent.environmentSteps)
                line.add("gradient_steps", updates())
                line.add("train_wall_s", wall, digits: 4)
                line.add("eval_20_episodes_mean_return", evaluation, digits: 1)
                emit(line)
            }
            var summary = JSONLine(name + "_summary")
            summary.add("env", env)
            summary.add("seeds", seeds.count)
            summary.addSpread("train_wall_s", walls, digits: 4)
            summary.add("eval_mean_return_per_seed", evaluations, digits: 1)
            let medianWall = median(walls)
            switch workload {
            case .tutorial:
                summary.add("tf2_tf_function_anchor_wall_s", [tensorFlowFunctionAnchorSeconds.lowerBound,
                                                              tensorFlowFunctionAnchorSeconds.upperBound], digits: 0)
                summary.add("speedup_vs_tf2_tf_function_anchor_min", tensorFlowFunctionAnchorSeconds.lowerBound / medianWall, digits: 0)
            case .sb3:
                summary.add("sb3_anchor_wall_s", stableBaselinesAnchorSeconds, digits: 1)
                summary.add("speedup_vs_sb3_anchor", stableBaselinesAnchorSeconds / medianWall, digits: 1)
            case .ppo:
                summary.add("sb3_anchor_wall_s", stableBaselinesPPOAnchorSeconds, digits: 1)
                summary.add("speedup_vs_sb3_anchor", stableBaselinesPPOAnchorSeconds / medianWall, digits: 1)
            case .purejaxrl:
                summary.add("jax_anchor_run_wall_s", [pureJaxRLAnchorSeconds.lowerBound, pureJaxRLAnchorSeconds.upperBound], digits: 1)
                summary.add("speedup_vs_jax_anchor_run", [pureJaxRLAnchorSeconds.lowerBound / medianWall,
                                                          pureJaxRLAnchorSeconds.upperBound / medianWall], digits: 2)
            }
            emit(summary)
        }
    }
}
