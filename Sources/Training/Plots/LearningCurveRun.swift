import Foundation

/// One training run's curve: a metric against environment steps and against wall-clock time.
public struct LearningCurveRun: Sendable, Equatable {
    /// Environment steps of the points.
    public var steps: [Double]
    /// Seconds since the run started, of the points.
    public var wallTimes: [Double]
    /// The metric's values.
    public var values: [Double]

    /// A run with the given points; the three arrays must have the same length.
    public init(steps: [Double], wallTimes: [Double], values: [Double]) {
        precondition(steps.count == values.count && wallTimes.count == values.count,
                     "LearningCurveRun: \(steps.count) steps, \(wallTimes.count) wall times and \(values.count) values; give one of each per point")
        self.steps = steps
        self.wallTimes = wallTimes
        self.values = values
    }

    /// The series of `metric` in a `metrics.csv` table.
    public init(table: MetricsTable, metric: String = "charts/episodic_return", source: String = "metrics.csv") throws {
        guard table.keys.contains(metric) else {
            throw LearningCurveError.metricNotFound(metric: metric, source: source, available: table.keys)
        }
        let points = table.series(metric)
        self.init(steps: points.map { Double($0.step) }, wallTimes: points.map(\.wallTime), values: points.map(\.value))
    }

    /// A TensorBoard scalar series; wall-clock times count from `startTime` (seconds since
    /// 1970), by default the first point's time.
    public init(scalars: [TensorBoardScalar], startTime: Double? = nil) {
        let start = startTime ?? scalars.first?.wallTime ?? 0
        self.init(steps: scalars.map { Double($0.step) }, wallTimes: scalars.map { $0.wallTime - start },
                  values: scalars.map { Double($0.value) })
    }

    /// The curve of `metric` in a run directory: from its `metrics.csv` when present,
    /// otherwise from its TensorBoard event files (times counted from the first file's first event).
    public init(contentsOfRunDirectory directory: URL, metric: String = "charts/episodic_return") throws {
        let csv = directory.appendingPathComponent("metrics.csv")
        if FileManager.default.fileExists(atPath: csv.path) {
            try self.init(table: MetricsTable(contentsOf: csv), metric: metric, source: csv.path)
            return
        }
        let files = (try? TensorBoardEventReader.eventFiles(in: directory)) ?? []
        guard let first = files.first else { throw LearningCurveError.noLogs(directory: directory.path) }
        let scalars = try TensorBoardEventReader.scalars(at: directory)
        guard let series = scalars[metric] else {
            throw LearningCurveError.metricNotFound(metric: metric, source: directory.path, available: Array(scalars.keys))
        }
        let start = try TensorBoardEventReader.events(inFile: first).first?.wallTime
        self.init(scalars: series, startTime: start)
    }
}
