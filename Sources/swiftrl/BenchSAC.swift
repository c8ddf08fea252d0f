import ArgumentParser
import BenchmarkSuites
import Foundation

/// `swiftrl bench sac`: RL Zoo's Pendulum-v1 SAC per seed, wall time and greedy evaluation.
struct BenchSAC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sac",
        abstract: "SAC with RL Zoo's Pendulum-v1 settings (20k steps) per seed: wall time, learning curve and final greedy return.",
        discussion: """
            Compare with Benchmarks/sb3_sac_pendulum.py --seed N (Stable-Baselines3's SAC, same \
            settings), run in the same sitting; for a single-core comparison set SWIFTRL_THREADS=1 \
            here and --threads 1 there.
            """
    )

    @Option(help: ArgumentHelp("Seeds, comma-separated or a range like 0..4.", valueName: "seeds"))
    var seeds = "0..4"

    @Option(help: "Environment steps per seed.")
    var steps = 20_000

    @Option(help: "Episodes of each greedy evaluation.")
    var evalEpisodes = 10

    @Option(help: "Steps between greedy evaluations of the learning curve (0: only at the end).")
    var evalInterval = 5_000

    func run() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive") }
        guard evalEpisodes > 0 else { throw ValidationError("--eval-episodes must be positive") }
        guard evalInterval >= 0 else { throw ValidationError("--eval-interval must be 0 or more") }
        let options = SACBenchmarks.Options(seeds: try TrainCommand.parseSeeds(seeds), steps: steps,
                                            evaluationEpisodes: evalEpisodes, evaluationInterval: evalInterval)
        try SACBenchmarks.run(options) { line in
            FileHandle.standardOutput.write(Data((line.description + "\n").utf8))
        }
    }
}
