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
    /// Runs whose configurations differ only in their seed form one series (mean and spread
    /// across seeds); the others get a series each, in the order given.
    static func plotLearningCurve(runs: [URL], to directory: URL) throws -> [URL] {
        var groups: [(key: JSONValue, label: String, runs: [LearningCurveRun])] = []
        for run in runs {
            let curve = try LearningCurveRun(contentsOfRunDirectory: run)
            var key = JSONValue.string(run.path)
            var label = run.lastPathComponent
            if let config = try? RunConfig.loadFile(run.appendingPathComponent(configFileName)).decode(RunConfig.self) {
                var identity = config
                identity.seed = 0
                identity.agent = identity.agent.setting(.null, at: ["seed"])
                key = try JSONValue(encoding: identity)
                label = "\(config.algorithm) \(config.env)"
            }
            if let index = groups.firstIndex(where: { $0.key == key }) {
                groups[index].runs.append(curve)
            } else {
                groups.append((key, label, [curve]))
            }
        }
        // Two configurations of the same algorithm and environment need telling apart.
        var seen: [String: Int] = [:]
        for group in groups { seen[group.label, default: 0] += 1 }
        var numbers: [String: Int] = [:]
        let series = groups.map { group -> LearningCurveSeries in
            var label = group.label
            if seen[label, default: 0] > 1 {
                numbers[label, default: 0] += 1
                label += " #\(numbers[label]!)"
            }
            if group.runs.count > 1 { label += " (\(group.runs.count) seeds)" }
            return LearningCurveSeries(label: label, runs: group.runs)
        }
        let plot = LearningCurvePlot(series: series, title: "Learning curve")
        let files = try plot.write(to: directory)
        return [files.svg, files.png]
    }
}
