import ArgumentParser
import BenchmarkSuites
import Foundation

/// `swiftrl bench dqn`: RL Zoo's CartPole DQN and the textbook DQN, timed as the anchors time
/// Stable-Baselines3 and TensorFlow 2; learning curves on Acrobot, MountainCar and MinAtar.
struct BenchDQN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dqn",
        abstract: "DQN: RL Zoo CartPole (50k steps) and the textbook DQN (600 episodes) per seed, with ratios to the anchors; optional learning curves.",
        discussion: """
            Workloads: rlzoo, textbook (the default pair), acrobot, mountaincar, minatar-breakout \
            (learning curves with each environment's preset; minutes each). \
            Benchmarks/compare-dqn.sh runs shared/anchors/sb3_cartpole.py and dqn_cartpole_tf2.py \
            beside this and prints the ratios measured in the same sitting.
            """
    )

    @Option(help: ArgumentHelp("Workloads, comma-separated.", valueName: "rlzoo,textbook"))
    var workloads = "rlzoo,textbook"

    @Option(help: ArgumentHelp("Seeds, comma-separated or a range like 1..5.", valueName: "seeds"))
    var seeds = "1..5"

    @Option(help: "Environment steps of each learning curve (default: the preset's budget).")
    var steps: Int?

    @Option(help: "Episodes of each greedy evaluation on a learning curve.")
    var evalEpisodes = 10

    func run() throws {
        let chosen: [DQNBenchmarks.Workload] = try parseWorkloads(workloads)
        if let steps, steps <= 0 { throw ValidationError("--steps must be positive") }
        guard evalEpisodes > 0 else { throw ValidationError("--eval-episodes must be positive") }
        let options = DQNBenchmarks.Options(workloads: chosen, seeds: try TrainCommand.parseSeeds(seeds), curveSteps: steps,
                                            evaluationEpisodes: evalEpisodes)
        try DQNBenchmarks.run(options) { line in
            FileHandle.standardOutput.write(Data((line.description + "\n").utf8))
        }
    }
}
