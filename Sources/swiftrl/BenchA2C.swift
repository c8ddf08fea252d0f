import ArgumentParser
import BenchmarkSuites
import Foundation

/// `swiftrl bench a2c`: the TF2 tutorial's A2C and SB3's default A2C, timed as the anchors time them.
struct BenchA2C: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "a2c",
        abstract: "A2C (the TF2 tutorial setup, SB3's 8-environment default) and PPO (RL Zoo CartPole, 100k steps) per seed, with ratios to the anchors.",
        discussion: """
            Compare with ../shared/anchors/a2c_cartpole_tf2.py --impl tffunc (15-19 s here) and \
            sb3_cartpole.py --algo a2c (7.9 s) and --algo ppo (17.1 s), run in the same sitting; \
            purejaxrl beside ppo_gymnax_purejaxrl.py (2.1-2.5 s after its compile).
            """
    )

    @Option(help: ArgumentHelp("Workloads, comma-separated.", valueName: "tutorial,sb3,ppo,purejaxrl"))
    var workloads = "tutorial,sb3,ppo"

    @Option(help: ArgumentHelp("Seeds, comma-separated or a range like 1..5.", valueName: "seeds"))
    var seeds = "1..5"

    func run() throws {
        let chosen: [ActorCriticBenchmarks.Workload] = try parseWorkloads(workloads)
        try ActorCriticBenchmarks.run(workloads: chosen, seeds: try TrainCommand.parseSeeds(seeds)) { line in
            FileHandle.standardOutput.write(Data((line.description + "\n").utf8))
        }
    }
}
