/// A log file (TensorBoard event file or `metrics.csv`) that cannot be written or read back.
public enum LogFileError: Error, Equatable, CustomStringConvertible {
    /// A TFRecord whose framing is damaged: a checksum that does not match, or a length that
    /// does not fit the file.
    case corruptRecord(file: String, offset: Int, reason: String)
    /// A record whose bytes are not a valid `Event` protocol buffer.
    case malformedEvent(file: String, offset: Int, reason: String)
    /// A `metrics.csv` that does not have the layout ``CSVMetricsWriter`` writes.
    case malformedCSV(file: String, line: Int, reason: String)
    /// A metric key the CSV file uses for its own columns (`step`, `wall_time`), or an empty one.
    case reservedKey(String)
    /// The operating system refused to open, write or read a file.
    case io(file: String, reason: String)

    /// What went wrong and what to do about it.
    public var description: String {
        switch self {
        case let .corruptRecord(file, offset, reason):
            return "\(file): damaged TFRecord at byte \(offset): \(reason). The file was modified or written by a "
                + "broken writer; delete it, or copy the events before this offset into a new file."
        case let .malformedEvent(file, offset, reason):
            return "\(file): the record at byte \(offset) is not a TensorBoard Event: \(reason). "
                + "Only files named events.out.tfevents.* written by TensorBoard-compatible writers can be read."
        case let .malformedCSV(file, line, reason):
            return "\(file), line \(line): \(reason). A metrics.csv starts with the columns step,wall_time "
                + "followed by metric keys, one row per logged step; fix or remove the offending line."
        case let .reservedKey(key):
            return key.isEmpty
                ? "an empty metric key cannot be logged; name the metric, e.g. \"charts/episodic_return\""
                : "the metric key \"\(key)\" is a column metrics.csv uses itself; rename it (e.g. \"charts/\(key)\")"
        case let .io(file, reason):
            return "\(file): \(reason). Check that the directory exists and is writable."
        }
    }
}
