/// A destination for a run's scalars: `metrics.csv`, the TensorBoard event file.
public protocol MetricsSink: AnyObject {
    /// Records `scalars` at environment step `step`, `wallTime` seconds into the run.
    func log(step: Int, wallTime: Double, scalars: [String: Double]) throws
    /// Makes everything logged so far durable (called before each checkpoint).
    func flush() throws
    func close() throws
}
