import ArgumentParser
import BenchmarkSuites
import Foundation

/// `swiftrl bench reinforce`: the textbook REINFORCE run, the genetic algorithm and the aliased grid world.
struct BenchReinforce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reinforce",
        abstract: "REINFORCE on CartPole as Hands-On ML runs it (150 iterations, 5 seeds): wall time and returns; GA and aliased grid world.",
        discussion: """
            Compare with ../shared/anchors/reinforce_cartpole_tf2.py (the book's TensorFlow 2 code, \
            506-929 s for the full run on this machine).
            """
    )

    @Flag(help: "Two seeds of 20 iterations, for a smoke test.")
    var quick = false

    @Option(help: ArgumentHelp("Seeds, comma-separated.", valueName: "0,1,2,3,4"))
    var seeds: String?

    @Option(help: "Iterations per run.")
    var iterations: Int?

    @Flag(help: "Skip the genetic algorithm and aliased grid world measurements.")
    var reinforceOnly = false

    func run() throws {
        var options = quick ? ReinforceBenchmarks.Options.quick : ReinforceBenchmarks.Options()
        if let seeds {
            options.seeds = try seeds.split(separator: ",").map {
                guard let seed = UInt64($0.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--seeds '\(seeds)': write comma-separated integers like 0,1,2")
                }
                return seed
            }
        }
        if let iterations {
            guard iterations > 0 else { throw ValidationError("--iterations must be positive") }
            options.iterations = iterations
        }
        if reinforceOnly {
            options.geneticAlgorithm = false
            options.aliasedGridWorld = false
        }
        try ReinforceBenchmarks.run(options) { line in
            FileHandle.standardOutput.write(Data((line.description + "\n").utf8))
        }
    }
}
