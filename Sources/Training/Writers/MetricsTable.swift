import Foundation

/// The contents of a `metrics.csv`: one row per logged step with the step, the seconds since
/// the run started, and a value (or nothing) for each metric key.
///
/// Keys follow CleanRL's names (`charts/episodic_return`, `charts/SPS`, `losses/value_loss`),
/// so tables from SwiftRL and CleanRL runs can be compared column by column.
public struct MetricsTable: Sendable, Equatable {
    /// One logged step.
    public struct Row: Sendable, Equatable {
        /// The environment step the values belong to.
        public var step: Int
        /// Seconds since the run started.
        public var wallTime: Double
        /// One value per key of the table, in the order of ``MetricsTable/keys``; nil where
        /// the metric was not logged at this step.
        public var values: [Double?]

        /// A row with the given fields.
        public init(step: Int, wallTime: Double, values: [Double?]) {
            self.step = step
            self.wallTime = wallTime
            self.values = values
        }
    }

    /// A point of one metric's series.
    public struct Point: Sendable, Equatable {
        /// The environment step.
        public var step: Int
        /// Seconds since the run started.
        public var wallTime: Double
        /// The metric's value.
        public var value: Double

        /// A point with the given fields.
        public init(step: Int, wallTime: Double, value: Double) {
            self.step = step
            self.wallTime = wallTime
            self.value = value
        }
    }

    /// The names of the two columns every table starts with.
    public static let stepColumn = "step", wallTimeColumn = "wall_time"

    /// The metric keys, in column order after `step` and `wall_time`.
    public private(set) var keys: [String]
    /// The rows, in file order.
    public private(set) var rows: [Row]

    /// A table with the given keys and rows; each row needs one value per key.
    public init(keys: [String] = [], rows: [Row] = []) {
        precondition(Set(keys).count == keys.count, "MetricsTable: duplicate keys in \(keys)")
        for row in rows {
            precondition(row.values.count == keys.count, "MetricsTable: a row at step \(row.step) has \(row.values.count) values for \(keys.count) keys")
        }
        self.keys = keys
        self.rows = rows
    }

    /// Reads a `metrics.csv` file.
    public init(contentsOf url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw LogFileError.io(file: url.path, reason: "cannot read the metrics file (\(error.localizedDescription))")
        }
        try self.init(csv: text, file: url.path)
    }

    /// Parses CSV text laid out as ``csv`` writes it; `file` names the source in errors.
    public init(csv text: String, file: String = "<memory>") throws {
        let records: [CSV.Record]
        do {
            records = try CSV.parse(text)
        } catch let error as CSV.ParseError {
            throw LogFileError.malformedCSV(file: file, line: error.line, reason: error.reason)
        }
        guard let header = records.first else {
            throw LogFileError.malformedCSV(file: file, line: 1, reason: "the file is empty, the header row is missing")
        }
        guard header.fields.count >= 2, header.fields[0] == Self.stepColumn, header.fields[1] == Self.wallTimeColumn else {
            throw LogFileError.malformedCSV(file: file, line: 1, reason: "the header starts with \(header.fields.prefix(2)), expected [\"step\", \"wall_time\"]")
        }
        let keys = Array(header.fields.dropFirst(2))
        if let duplicate = Dictionary(grouping: keys, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw LogFileError.malformedCSV(file: file, line: 1, reason: "the column \"\(duplicate)\" appears twice")
        }
        var rows: [Row] = []
        rows.reserveCapacity(records.count - 1)
        for record in records.dropFirst() {
            // A blank line (one empty field) carries nothing; editors leave them at the end.
            if record.fields == [""] { continue }
            guard record.fields.count == header.fields.count else {
                throw LogFileError.malformedCSV(file: file, line: record.line,
                                                reason: "\(record.fields.count) fields where the header has \(header.fields.count)")
            }
            guard let step = Int(record.fields[0]) else {
                throw LogFileError.malformedCSV(file: file, line: record.line, reason: "the step \"\(record.fields[0])\" is not an integer")
            }
            guard let wallTime = Double(record.fields[1]) else {
                throw LogFileError.malformedCSV(file: file, line: record.line, reason: "the wall_time \"\(record.fields[1])\" is not a number")
            }
            var values: [Double?] = []
            values.reserveCapacity(keys.count)
            for (key, cell) in zip(keys, record.fields.dropFirst(2)) {
                if cell.isEmpty {
                    values.append(nil)
                } else if let value = Double(cell) {
                    values.append(value)
                } else {
                    throw LogFileError.malformedCSV(file: file, line: record.line, reason: "the value \"\(cell)\" of \(key) is not a number")
                }
            }
            rows.append(Row(step: step, wallTime: wallTime, values: values))
        }
        self.init(keys: keys, rows: rows)
    }

    /// The table as CSV text: a header row, then one line per row, every line ending in "\n".
    ///
    /// Numbers are written with the fewest digits that read back to the same `Double`;
    /// missing values are empty cells, which pandas reads as NaN.
    public var csv: String {
        var text = headerLine
        for row in rows { text += Self.line(for: row) }
        return text
    }

    /// The header line, ending in "\n".
    var headerLine: String {
        ([Self.stepColumn, Self.wallTimeColumn] + keys).map(CSV.quote).joined(separator: ",") + "\n"
    }

    /// The CSV line of `row`, ending in "\n".
    static func line(for row: Row) -> String {
        var cells = [String(row.step), String(describing: row.wallTime)]
        for value in row.values { cells.append(value.map { String(describing: $0) } ?? "") }
        return cells.joined(separator: ",") + "\n"
    }

    /// The column of `key`, or nil when the table has no such key.
    public func column(_ key: String) -> [Double?]? {
        guard let index = keys.firstIndex(of: key) else { return nil }
        return rows.map { $0.values[index] }
    }

    /// The rows where `key` has a value, as points; empty when the key is absent.
    public func series(_ key: String) -> [Point] {
        guard let index = keys.firstIndex(of: key) else { return [] }
        return rows.compactMap { row in row.values[index].map { Point(step: row.step, wallTime: row.wallTime, value: $0) } }
    }

    /// The value of `key` in row `row`, or nil when absent.
    public subscript(row: Int, key: String) -> Double? {
        guard let index = keys.firstIndex(of: key) else { return nil }
        return rows[row].values[index]
    }

    /// The rows with `step <= lastStep`: what a run resumed from a checkpoint at `lastStep`
    /// keeps, since it logs the later steps again.
    public func truncated(throughStep lastStep: Int) -> MetricsTable {
        MetricsTable(keys: keys, rows: rows.filter { $0.step <= lastStep })
    }

    /// Appends a row; keys not yet in the table become new columns (in sorted order), empty
    /// in the earlier rows.
    public mutating func append(step: Int, wallTime: Double, values: [String: Double]) {
        addKeys(values.keys.filter { !keys.contains($0) }.sorted())
        rows.append(Row(step: step, wallTime: wallTime, values: keys.map { values[$0] }))
    }

    /// Adds `newKeys` as empty columns at the end.
    mutating func addKeys(_ newKeys: [String]) {
        guard !newKeys.isEmpty else { return }
        precondition(Set(keys).isDisjoint(with: newKeys), "MetricsTable: keys \(newKeys) are already columns")
        keys += newKeys
        for i in rows.indices { rows[i].values += [Double?](repeating: nil, count: newKeys.count) }
    }

    /// Removes the last row.
    mutating func removeLastRow() {
        rows.removeLast()
    }
}
