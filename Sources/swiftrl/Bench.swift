import ArgumentParser
import BenchmarkSuites
import Foundation
import Tensors

/// `swiftrl bench SUITE`: prints one JSON line per measurement.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark suite and print JSON lines (compare with the scripts in shared/anchors).",
        subcommands: [Core.self, BenchEnvs.self, BenchGym.self, BenchReinforce.self, BenchDQN.self, BenchA2C.self, BenchA3C.self, BenchSAC.self]
    )

    struct Core: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tensor core: MLP training step and batch-1 forward, Nature-DQN CNN, GEMM throughput."
        )

        @Flag(help: "Short measurements, for a smoke test.")
        var quick = false

        @Option(help: "Timed repetitions per measurement; the median is reported.")
        var repetitions = 3

        @Flag(help: "Use only SwiftRL's own kernels even when OpenBLAS is installed.")
        var noBlas = false

        @Option(help: "Run only these benchmarks (mlp_train_step, mlp_forward_b1, nature_cnn_fwd_bwd, gemm); repeatable.")
        var only: [String] = []

        @Option(help: "Hidden widths of an MLP to measure, like 64x64; repeatable (default 64x64 and 256x256).")
        var hidden: [String] = []

        @Option(help: "Append the JSON lines to this file as well.")
        var output: String?

        func validate() throws {
            guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
            let known: Set = ["mlp_train_step", "mlp_forward_b1", "nature_cnn_fwd_bwd", "gemm"]
            for name in only where !known.contains(name) {
                throw ValidationError("unknown benchmark '\(name)'; choose from \(known.sorted().joined(separator: ", "))")
            }
        }

        func hiddenSizes() throws -> [[Int]] {
            try hidden.map { text in
                let widths = text.split(separator: "x").map { Int($0) }
                guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
                    throw ValidationError("--hidden '\(text)' is not a list of positive widths like 64x64")
                }
                return widths.map { $0! }
            }
        }

        func run() throws {
            if noBlas { CPU.blasEnabled = false }
            let sizes = try hiddenSizes()
            var file: FileHandle?
            if let output {
                let url = URL(fileURLWithPath: output)
                if !FileManager.default.fileExists(atPath: url.path) {
                    guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                        throw ValidationError("cannot create \(output): check that its directory exists and is writable")
                    }
                }
                file = try FileHandle(forWritingTo: url)
                try file?.seekToEnd()
            }
            CoreBenchmarks.run(.init(quick: quick, repetitions: repetitions, only: Set(only),
                                      hiddenSizes: sizes.isEmpty ? [[64, 64], [256, 256]] : sizes)) { line in
                // Unbuffered, so a long suite shows each line as soon as it is measured.
                FileHandle.standardOutput.write(Data((line.description + "\n").utf8))
                file?.write(Data((line.description + "\n").utf8))
            }
            try file?.close()
        }
    }
}

/// Comma-separated workload names of a benchmark suite; an unknown name is an error that
/// lists the known ones.
func parseWorkloads<Workload: RawRepresentable & CaseIterable>(_ text: String) throws -> [Workload]
where Workload.RawValue == String {
    try text.split(separator: ",").map { name in
        guard let workload = Workload(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("unknown workload '\(name)'; choose from "
                + Workload.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return workload
    }
}

/// `swiftrl info`: what the compute backend found on this machine.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the CPU kernels and BLAS library SwiftRL uses here.")

    func run() {
        print("instruction set: \(CPU.instructionSet)")
        print("threads: \(CPU.threadCount)")
        print("OpenBLAS: \(CPU.blasDescription)")
    }
}
