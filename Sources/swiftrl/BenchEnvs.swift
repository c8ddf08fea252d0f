import ArgumentParser
import BenchmarkSuites
import Foundation
import SwiftRL

/// `swiftrl bench envs`: steps per second of every registered environment, single and
/// vectorized, as JSON lines comparable with shared/anchors/env_throughput.py.
struct BenchEnvs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envs",
        abstract: "Environment throughput: every registered environment single (through make) and vectorized.",
        discussion: """
            Actions are random and drawn before timing; resets after episode ends are timed. \
            Vector figures count steps per copy (vector steps x copies). Lines: kind "single" \
            (one environment from make, with its time limit), "sync_vector" (SyncVectorEnvironment, \
            sequential), "sync_vector_parallel" (the same on every core, largest size only) and \
            "vector_cartpole" (the structure-of-arrays SIMD CartPole).
            """
    )

    @Flag(help: "Short measurements, for a smoke test.")
    var quick = false

    @Option(help: "Timed runs per measurement; the median is reported.")
    var repetitions = 5

    @Option(help: "Measure only this environment id (repeatable); VectorCartPole selects the SIMD CartPole alone.")
    var only: [String] = []

    @Option(help: "Copy counts of the vector measurements, comma-separated.")
    var numEnvs = "8,1024"

    @Flag(help: "Skip the parallel SyncVectorEnvironment measurement.")
    var noParallel = false

    @Option(help: "Append the JSON lines to this file as well.")
    var output: String?

    func sizes() throws -> [Int] {
        let parts = numEnvs.split(separator: ",", omittingEmptySubsequences: false)
        let sizes = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard sizes.count == parts.count, sizes.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--num-envs '\(numEnvs)' is not a comma-separated list of positive counts like 8,1024")
        }
        return sizes
    }

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
        _ = try sizes()
        for id in only where id != "VectorCartPole" {
            do { _ = try Registry.shared.spec(id) } catch { throw ValidationError("--only: \(error)") }
        }
    }

    func run() throws {
        var file: FileHandle?
        if let output {
            if !FileManager.default.fileExists(atPath: output) {
                guard FileManager.default.createFile(atPath: output, contents: nil) else {
                    throw ValidationError("cannot create \(output): check that its directory exists and is writable")
                }
            }
            file = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            try file?.seekToEnd()
        }
        let ids = Set(only.filter { $0 != "VectorCartPole" })
        let vectorCartPoleOnly = only.contains("VectorCartPole") && ids.isEmpty
        let options = EnvironmentBenchmarks.Options(quick: quick, repetitions: repetitions, only: ids,
                                                    vectorSizes: try sizes(), parallel: !noParallel)
        let emit: (JSONLine) -> Void = { line in
            FileHandle.standardOutput.write(Data((line.description + "\n").utf8))
            file?.write(Data((line.description + "\n").utf8))
        }
        if vectorCartPoleOnly {
            for size in options.vectorSizes { emit(try EnvironmentBenchmarks.vectorCartPole(count: size, options: options)) }
        } else {
            try EnvironmentBenchmarks.run(options, emit: emit)
        }
        try file?.close()
    }
}
