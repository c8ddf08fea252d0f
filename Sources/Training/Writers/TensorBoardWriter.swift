import Foundation

/// Writes scalars (and text) to a TensorBoard event file that `tensorboard --logdir` and
/// its `EventAccumulator` read, without TensorFlow or a protobuf library.
///
/// The file is `events.out.tfevents.<unix time>.<hostname>` in the run's directory: a
/// sequence of ``TFRecord``-framed `Event` messages, the first carrying the file version
/// `brain.Event:2`. Events are buffered and written to the file at least every
/// ``flushInterval`` seconds (TensorFlow's writer waits 120 s by default, PyTorch's
/// `SummaryWriter` 120 s too; a run killed by a time limit would lose up to that much), and by
/// ``flush()`` and ``close()``.
///
/// Typical use, with CleanRL's metric names:
/// ```swift
/// let writer = try TensorBoardWriter(directory: runDirectory)
/// try writer.addScalar("charts/episodic_return", 21.0, step: 1_000)
/// try writer.close()
/// ```
public final class TensorBoardWriter {
    /// The event file being written.
    public let fileURL: URL
    /// Longest time in seconds events wait in memory before they are written to the file.
    public var flushInterval: Double

    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private var lastFlush: Date

    /// The version string TensorBoard expects in the first record; version 2 makes its
    /// readers use ``TensorBoardEvent/Content/sessionStart`` events to drop orphaned data.
    public static let fileVersion = "brain.Event:2"

    /// Creates `directory` if needed and a new event file in it.
    ///
    /// - Parameters:
    ///   - directory: the run's log directory (what `tensorboard --logdir` is pointed at, or a child of it).
    ///   - resumingAtStep: when a run continues from a checkpoint taken at this step, the step
    ///     it restarts from. The file's session-start event then carries that step, so
    ///     TensorBoard (and ``TensorBoardEventReader/scalars(at:)``) drop what an
    ///     interrupted earlier session logged at this step or later, which the resumed run
    ///     logs again. Nil starts at step 0, which also replaces an older run's events in the directory.
    ///   - flushInterval: see ``flushInterval``.
    ///   - fileNameSuffix: appended to the file name (TensorBoard reads any name containing `tfevents`).
    public init(directory: URL, resumingAtStep: Int? = nil, flushInterval: Double = 2, fileNameSuffix: String = "") throws {
        self.flushInterval = flushInterval
        let now = Date()
        lastFlush = now
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw LogFileError.io(file: directory.path, reason: "cannot create the log directory (\(error.localizedDescription))")
        }
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "_")
        let base = "events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host)\(fileNameSuffix)"
        // A second writer started within the same second (a quick resume) gets its own file;
        // TensorBoard reads the files of a directory in name order, so ".2" sorts after.
        var attempt = 1
        while true {
            let url = directory.appendingPathComponent(attempt == 1 ? base : "\(base).\(attempt)")
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if descriptor >= 0 {
                fileURL = url
                handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
                break
            }
            guard errno == EEXIST, attempt < 1000 else {
                throw LogFileError.io(file: url.path, reason: "cannot create the event file (\(String(cString: strerror(errno))))")
            }
            attempt += 1
        }
        append(TensorBoardEvent(wallTime: now.timeIntervalSince1970, step: 0, content: .fileVersion(Self.fileVersion)))
        // Every session starts with a session-start event, as TensorFlow's Supervisor wrote
        // them: the accumulator behind `tensorboard --logdir` (plugin_event_accumulator.py)
        // takes the first one of a run as the initial start and only later ones as restarts.
        append(TensorBoardEvent(wallTime: now.timeIntervalSince1970, step: resumingAtStep ?? 0, content: .sessionStart))
        try flush()
    }

    deinit {
        try? close()
    }

    /// Logs `value` under `tag` at `step` (stored as a 32-bit float, as TensorBoard does).
    /// - Parameter wallTime: seconds since 1970; now when nil.
    public func addScalar(_ tag: String, _ value: Double, step: Int, wallTime: Double? = nil) throws {
        try addScalars([tag: value], step: step, wallTime: wallTime)
    }

    /// Logs several scalars at `step` in one event, in tag order.
    public func addScalars(_ scalars: [String: Double], step: Int, wallTime: Double? = nil) throws {
        guard !scalars.isEmpty else { return }
        let values = scalars.sorted { $0.key < $1.key }.map { TensorBoardEvent.SummaryValue(tag: $0.key, data: .scalar(Float($0.value))) }
        try add(TensorBoardEvent(wallTime: wallTime ?? Date().timeIntervalSince1970, step: step, content: .summary(values)))
    }

    /// Logs `text` under `tag` for TensorBoard's Text tab (Markdown is rendered), e.g. the run's configuration.
    public func addText(_ tag: String, _ text: String, step: Int = 0, wallTime: Double? = nil) throws {
        let value = TensorBoardEvent.SummaryValue(tag: tag, data: .text(text))
        try add(TensorBoardEvent(wallTime: wallTime ?? Date().timeIntervalSince1970, step: step, content: .summary([value])))
    }

    /// Appends `event` as written, flushing when ``flushInterval`` has passed.
    public func add(_ event: TensorBoardEvent) throws {
        precondition(handle != nil, "TensorBoardWriter: \(fileURL.lastPathComponent) was closed; create a new writer to log more")
        append(event)
        if Date().timeIntervalSince(lastFlush) >= flushInterval { try flush() }
    }

    /// Writes buffered events to the file.
    public func flush() throws {
        lastFlush = Date()
        guard let handle, !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw LogFileError.io(file: fileURL.path, reason: "cannot write events (\(error.localizedDescription))")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file; later calls do nothing.
    public func close() throws {
        guard let handle else { return }
        try flush()
        self.handle = nil
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw LogFileError.io(file: fileURL.path, reason: "cannot close the event file (\(error.localizedDescription))")
        }
    }

    private func append(_ event: TensorBoardEvent) {
        buffer.append(contentsOf: TFRecord.frame(event.serialized()))
    }
}
