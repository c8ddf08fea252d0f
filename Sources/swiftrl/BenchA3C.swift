import Agents
import ArgumentParser
import BenchmarkSuites
import Foundation

/// `swiftrl bench a3c`: the speed-up from more asynchronous workers on this machine.
struct BenchA3C: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "a3c",
        abstract: "A3C on CartPole-v1 (the tuned preset) with 1 and 2 workers per seed: steps per second, wall time to a fixed budget, time to solve, with ratios.",
        discussion: """
            Each run trains for --steps environment steps; "solved" is the first iteration after \
            which the mean return of the last 20 training episodes is at least 475. Worker counts \
            alternate within each seed. Other processes compete for the same cores: each line \
            records the load average before it and the process CPU time, so a run that did not \
            get its cores shows it (cpu/wall near 1 with 2 workers). Linux's autogroup scheduler \
            splits the cores between sessions first, so while another session keeps one of two \
            cores busy, this process gets at most the other, however many workers it runs.
            """
    )

    @Option(help: ArgumentHelp("Worker counts, comma-separated; ratios are against the first.", valueName: "counts"))
    var workers = "1,2"

    @Option(help: ArgumentHelp("Seeds, comma-separated or a range like 1..5.", valueName: "seeds"))
    var seeds = "1..5"

    @Option(help: "Environment steps of each run.")
    var steps = 200_000

    @Option(help: "Episodes of the greedy evaluation after each run.")
    var evalEpisodes = 20

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one A3CConfig key for every run (nWorkers and seed excepted); repeatable.",
                                                         valueName: "key=value"))
    var overrides: [String] = []

    /// The preset with `--set` overrides, checked as `swiftrl train` checks them.
    func runConfiguration() throws -> A3CConfig {
        guard var tree = try JSONSerialization.jsonObject(with: JSONEncoder().encode(A3CConfig())) as? [String: Any] else {
            throw ValidationError("the default A3C configuration does not encode as an object")
        }
        for text in overrides {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--set '\(text)' is not key=value (for example --set nSteps=16)")
            }
            let key = String(text[..<equals]), value = String(text[text.index(after: equals)...])
            guard tree[key] != nil, key != "nWorkers", key != "seed" else {
                throw ValidationError("--set: unknown or per-run key '\(key)'; keys: "
                    + tree.keys.filter { $0 != "nWorkers" && $0 != "seed" }.sorted().joined(separator: ", "))
            }
            tree[key] = (try? JSONSerialization.jsonObject(with: Data(value.utf8), options: [.fragmentsAllowed])) ?? value
        }
        let config: A3CConfig
        do {
            config = try JSONDecoder().decode(A3CConfig.self, from: JSONSerialization.data(withJSONObject: tree))
        } catch {
            throw ValidationError("--set: the values do not fit A3CConfig (\(error))")
        }
        try config.validate()
        return config
    }

    func run() throws {
        let counts = try workers.split(separator: ",").map { text -> Int in
            guard let count = Int(text.trimmingCharacters(in: .whitespaces)), count > 0, count <= 256 else {
                throw ValidationError("--workers '\(workers)': write positive worker counts like 1,2")
            }
            return count
        }
        guard !counts.isEmpty else { throw ValidationError("--workers needs at least one count, like 1,2") }
        guard steps > 0 else { throw ValidationError("--steps must be positive") }
        guard evalEpisodes > 0 else { throw ValidationError("--eval-episodes must be positive") }
        let options = A3CBenchmarks.Options(config: try runConfiguration(), workerCounts: counts, seeds: try TrainCommand.parseSeeds(seeds), steps: steps,
                                            evaluationEpisodes: evalEpisodes)
        try A3CBenchmarks.run(options) { line in
            FileHandle.standardOutput.write(Data((line.description + "\n").utf8))
        }
    }
}
