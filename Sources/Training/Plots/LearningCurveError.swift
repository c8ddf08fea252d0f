/// A run that cannot be turned into a learning curve.
public enum LearningCurveError: Error, Equatable, CustomStringConvertible {
    /// The metric is not among the series logged by the run.
    case metricNotFound(metric: String, source: String, available: [String])
    /// The directory has neither a `metrics.csv` nor TensorBoard event files.
    case noLogs(directory: String)

    /// What went wrong and what to do about it.
    public var description: String {
        switch self {
        case let .metricNotFound(metric, source, available):
            let keys = available.isEmpty ? "none" : available.sorted().joined(separator: ", ")
            return "\(source) has no metric \"\(metric)\" (it has: \(keys)); choose one of those, or check the run finished an episode"
        case let .noLogs(directory):
            return "\(directory) has neither metrics.csv nor events.out.tfevents.* files; point at a run directory written by swiftrl train"
        }
    }
}
