import Foundation

/// Writes `metrics.csv`: one row per logged step with the columns `step`, `wall_time`
/// (seconds since the run started) and one column per metric key, CleanRL-named
/// (`charts/episodic_return`, `losses/policy_loss`, ...). ``MetricsTable`` reads it back.
///
/// Every call writes its row to the file at once, so a killed run keeps everything it
/// logged. Scalars logged at the same step as the previous call are merged into that row
/// (the last row is rewritten in place), so an agent may log returns and losses separately.
/// A key that first appears later becomes a new column: the file is rewritten with the wider
/// header (to a temporary file renamed over the old one, so an interruption leaves either the
/// old or the new file). Keys settle after the first iterations, so this happens a few times
/// per run, and any reader (pandas, spreadsheets) sees one rectangular table.
public final class CSVMetricsWriter {
    /// The file being written.
    public let fileURL: URL
    /// The metric columns so far, in file order.
    public var keys: [String] { Array(keyOrder) }

    private var keyOrder: [String]
    private var keySet: Set<String>
    private var handle: FileHandle?
    private let start = Date()
    private let timeOffset: Double
    private var lastRow: (step: Int, wallTime: Double, values: [String: Double], offset: UInt64)?

    /// Creates (or replaces) the file, or continues it for a resumed run.
    ///
    /// - Parameters:
    ///   - fileURL: usually `<run directory>/metrics.csv`; the directory must exist.
    ///   - resumingAfterStep: for a run restored from a checkpoint taken at this step: the
    ///     existing file keeps its rows with `step <= resumingAfterStep` (the later ones are
    ///     logged again by the resumed run) and `wall_time` continues from its last row, so
    ///     the time axis counts training time and not the pause. A missing file starts empty.
    ///     Nil replaces any existing file.
    public init(fileURL: URL, resumingAfterStep: Int? = nil) throws {
        self.fileURL = fileURL
        var table = MetricsTable()
        if let step = resumingAfterStep, FileManager.default.fileExists(atPath: fileURL.path) {
            table = try MetricsTable(contentsOf: fileURL).truncated(throughStep: step)
        }
        keyOrder = table.keys
        keySet = Set(table.keys)
        timeOffset = table.rows.last?.wallTime ?? 0
        try replaceFile(with: table)
    }

    deinit {
        try? close()
    }

    /// Seconds since the run started (including the time of earlier sessions of a resumed run).
    public var elapsedTime: Double {
        timeOffset + Date().timeIntervalSince(start)
    }

    /// Logs `value` under `key` at `step`.
    public func addScalar(_ key: String, _ value: Double, step: Int, wallTime: Double? = nil) throws {
        try addScalars([key: value], step: step, wallTime: wallTime)
    }

    /// Logs `scalars` at `step`, in the row of the previous call when its step is the same.
    ///
    /// - Parameter wallTime: seconds since the run started; ``elapsedTime`` (to the
    ///   millisecond) when nil. A merged row keeps the time of its first call.
    public func addScalars(_ scalars: [String: Double], step: Int, wallTime: Double? = nil) throws {
        precondition(handle != nil, "CSVMetricsWriter: \(fileURL.lastPathComponent) was closed; create a new writer to log more")
        for key in scalars.keys where key.isEmpty || key == MetricsTable.stepColumn || key == MetricsTable.wallTimeColumn {
            throw LogFileError.reservedKey(key)
        }
        var values = scalars
        var time = wallTime ?? (elapsedTime * 1000).rounded() / 1000
        let merging = lastRow?.step == step
        if let lastRow, merging {
            values = lastRow.values.merging(scalars) { $1 }
            time = lastRow.wallTime
        }
        let newKeys = values.keys.filter { !keySet.contains($0) }.sorted()
        let row = MetricsTable.Row(step: step, wallTime: time, values: (keyOrder + newKeys).map { values[$0] })
        if newKeys.isEmpty {
            guard let handle else { return }
            do {
                if merging, let offset = lastRow?.offset { try handle.truncate(atOffset: offset) }
                let offset = try handle.seekToEnd()
                try handle.write(contentsOf: Data(MetricsTable.line(for: row).utf8))
                lastRow = (step, time, values, offset)
            } catch {
                throw LogFileError.io(file: fileURL.path, reason: "cannot append to the metrics file (\(error.localizedDescription))")
            }
        } else {
            var table = try MetricsTable(contentsOf: fileURL)
            if merging { table.removeLastRow() }
            table.addKeys(newKeys)
            table.append(step: row.step, wallTime: row.wallTime, values: values)
            try replaceFile(with: table)
            keyOrder += newKeys
            keySet.formUnion(newKeys)
        }
    }

    /// Does nothing: rows reach the file as they are logged. Present so both writers answer
    /// the same calls.
    public func flush() throws {}

    /// Closes the file; later calls do nothing.
    public func close() throws {
        guard let handle else { return }
        self.handle = nil
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw LogFileError.io(file: fileURL.path, reason: "cannot close the metrics file (\(error.localizedDescription))")
        }
    }

    /// Writes `table` to a temporary file, renames it over ``fileURL`` and reopens it for appending.
    private func replaceFile(with table: MetricsTable) throws {
        let body = table.rows.dropLast().map(MetricsTable.line(for:)).joined()
        let lastLine = table.rows.last.map(MetricsTable.line(for:)) ?? ""
        let prefix = table.headerLine + body
        let temporary = fileURL.deletingLastPathComponent().appendingPathComponent(".\(fileURL.lastPathComponent).tmp")
        do {
            try handle?.close()
            handle = nil
            try Data((prefix + lastLine).utf8).write(to: temporary)
            guard rename(temporary.path, fileURL.path) == 0 else {
                throw LogFileError.io(file: fileURL.path, reason: "cannot replace the metrics file (\(String(cString: strerror(errno))))")
            }
            let handle = try FileHandle(forWritingTo: fileURL)
            try handle.seekToEnd()
            self.handle = handle
        } catch let error as LogFileError {
            throw error
        } catch {
            throw LogFileError.io(file: fileURL.path, reason: "cannot write the metrics file (\(error.localizedDescription))")
        }
        if let last = table.rows.last {
            var values: [String: Double] = [:]
            for (key, value) in zip(table.keys, last.values) { values[key] = value }
            lastRow = (last.step, last.wallTime, values, UInt64(prefix.utf8.count))
        } else {
            lastRow = nil
        }
    }
}
