import ArgumentParser
import Foundation
import SwiftRL

/// `swiftrl plot RUN_DIR...`: learning curves of one or more runs in one figure.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot the learning curves of runs in one figure (SVG and PNG); seeds of one configuration become a mean with its spread."
    )

    @Argument(help: "Run directories (or directories of seed runs, as `train --seeds` makes).")
    var runs: [String]

    @Option(help: "The directory to write learning_curve.svg and .png into (default: the current directory).")
    var output: String = "."

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one run directory") }
    }

    func run() throws {
        var directories: [URL] = []
        for path in runs {
            let url = URL(fileURLWithPath: path, isDirectory: true)
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(TrainingRun.metricsFileName).path) {
                directories.append(url)
                continue
            }
            // A group made by `train --seeds`: its seed-N subdirectories.
            let children = (try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? []
            let seedRuns = children.filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent(TrainingRun.metricsFileName).path) }
                .sorted { $0.path < $1.path }
            if seedRuns.isEmpty {
                throw ValidationError("\(path) has no \(TrainingRun.metricsFileName) and no run directories inside; pass directories made by `swiftrl train`")
            }
            directories += seedRuns
        }
        let outputURL = URL(fileURLWithPath: output, isDirectory: true)
        try FileManager.default.createDirectory(at: outputURL, withIntermediateDirectories: true)
        let files = try LearningCurveFiles.write(runs: directories, to: outputURL)
        for file in files { print(file.path) }
    }
}
