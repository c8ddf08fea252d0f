import Foundation

/// Reads TensorBoard event files back: the events of one file, or the scalar series of a run
/// directory the way TensorBoard shows them.
public enum TensorBoardEventReader {
    /// The events of one file, in order, with their TFRecord checksums verified.
    ///
    /// A last record cut short by a killed writer is left out (see ``TFRecord/records(in:file:)``).
    public static func events(inFile url: URL) throws -> [TensorBoardEvent] {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url))
        } catch {
            throw LogFileError.io(file: url.path, reason: "cannot read the event file (\(error.localizedDescription))")
        }
        return try TFRecord.records(in: bytes, file: url.path).map { record in
            do {
                return try TensorBoardEvent.decode(record.data)
            } catch let error as ProtobufReader.DecodingError {
                throw LogFileError.malformedEvent(file: url.path, offset: record.offset, reason: error.reason)
            }
        }
    }

    /// The event files of `directory` (names containing `tfevents`), in the order TensorBoard reads them.
    public static func eventFiles(in directory: URL) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw LogFileError.io(file: directory.path, reason: "cannot list the log directory (\(error.localizedDescription))")
        }
        return names.filter { $0.contains("tfevents") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Every scalar series in `url` (one event file, or all event files of a directory), by tag.
    ///
    /// Resumed runs are resolved as TensorBoard's `EventAccumulator` resolves them: with file
    /// version 2, a session start at step *s* drops everything read so far at step ≥ *s*;
    /// with older files, a summary whose step goes back drops the later points of its tags.
    public static func scalars(at url: URL) throws -> [String: [TensorBoardScalar]] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw LogFileError.io(file: url.path, reason: "no such file or directory")
        }
        let files = isDirectory.boolValue ? try eventFiles(in: url) : [url]
        var series: [String: [TensorBoardScalar]] = [:]
        var fileVersion = 0
        var mostRecentStep = -1
        for file in files {
            for event in try events(inFile: file) {
                switch event.content {
                case let .fileVersion(version):
                    // "brain.Event:2" -> 2
                    if let number = version.split(separator: ":").last.flatMap({ Int($0) }) { fileVersion = number }
                case .sessionStart where fileVersion >= 2:
                    for tag in series.keys { series[tag]!.removeAll { $0.step >= event.step } }
                case let .summary(values):
                    if fileVersion < 2 {
                        if event.step < mostRecentStep {
                            for value in values { series[value.tag]?.removeAll { $0.step >= event.step } }
                        } else {
                            mostRecentStep = event.step
                        }
                    }
                    for value in values {
                        if case let .scalar(x) = value.data {
                            series[value.tag, default: []].append(TensorBoardScalar(step: event.step, wallTime: event.wallTime, value: x))
                        }
                    }
                default:
                    continue
                }
            }
        }
        return series.filter { !$0.value.isEmpty }
    }
}
