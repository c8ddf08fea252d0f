import Foundation

extension TrainingRun {
    /// The run's log sinks, reopened for appending; when `truncatingAfter` is given, rows
    /// logged after that environment step are dropped first.
    static func makeSinks(in directory: URL, truncatingAfter step: Int?) throws -> [any MetricsSink] {
        []
    }

    /// Draws the learning curves of `runs` into `learning_curve.svg` and `.png` in `directory`.
    static func plotLearningCurve(runs: [URL], to directory: URL) throws -> [URL] {
        []
    }
}
