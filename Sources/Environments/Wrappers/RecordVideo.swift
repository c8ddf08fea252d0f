#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Records chosen episodes as animated GIFs (Gymnasium's `RecordVideo`, which writes MP4
/// through moviepy; a GIF needs no codec library).
///
/// Episodes are numbered from 0 at each `reset`. For an episode the trigger accepts, the
/// frame rendered after `reset` and after every step go to
/// `directory/<namePrefix>-episode-<n>.gif`, written atomically when the episode terminates
/// or is truncated, when the next `reset` abandons it, or at ``stopRecording()`` / `close()`.
/// Frames are compressed as they arrive, so a 500-step episode holds about a megabyte,
/// not 500 raw frames.
///
/// ```swift
/// let env = try RecordVideo(make("CartPole-v1", options: ["render_mode": "rgb_array"]),
///                           directory: URL(fileURLWithPath: "videos"),
///                           episodeTrigger: { $0 % 100 == 0 })
/// ```
public final class RecordVideo: EnvironmentWrapper {
    /// The recorded environment.
    public let wrapped: any Environment
    /// Where the GIFs go.
    public let directory: URL
    /// Whether to record episode `n` (counting from 0).
    public let episodeTrigger: (Int) -> Bool
    /// The start of every file name.
    public let namePrefix: String
    /// The playback rate of the GIFs.
    public let framesPerSecond: Double
    /// The number of the current episode: -1 before the first `reset`.
    public private(set) var episodeID = -1
    /// The files written so far, in order.
    public private(set) var writtenFiles: [URL] = []
    private var encoder: GIFEncoder?

    /// Wraps `environment`, which must have been made with `render_mode` `rgb_array`.
    ///
    /// - Parameters:
    ///   - directory: created if missing (with its parents).
    ///   - episodeTrigger: which episodes to record; by default episodes 0, 1, 8, 27, …, 729
    ///     and then every 1000th (Gymnasium's `capped_cubic_video_schedule`).
    ///   - framesPerSecond: the playback rate; by default the environment's ``RenderingMetadata/renderFPS``,
    ///     or 30 when it does not say.
    /// - Throws: ``EnvironmentError/renderingUnavailable(id:reason:)`` when the environment
    ///   does not render RGB frames, ``RecordVideoError/directoryUnavailable(path:reason:)``
    ///   when `directory` cannot be created.
    public init(_ environment: any Environment, directory: URL,
                episodeTrigger: @escaping (Int) -> Bool = RecordVideo.cappedCubicSchedule,
                namePrefix: String = "rl-video", framesPerSecond: Double? = nil) throws {
        guard environment.renderMode == .rgbArray else {
            let mode = environment.renderMode.map { "'\($0.rawValue)'" } ?? "no render mode"
            throw EnvironmentError.renderingUnavailable(id: environment.id, reason:
                "RecordVideo needs RGB frames but the environment has \(mode); make it with options [\"render_mode\": \"rgb_array\"]")
        }
        if let framesPerSecond, !(framesPerSecond > 0 && framesPerSecond.isFinite) {
            throw RecordVideoError.invalidFrameRate(framesPerSecond)
        }
        let path = directory.path
        var isDirectory = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory else { throw RecordVideoError.directoryUnavailable(path: path, reason: "it exists and is not a directory") }
        } else {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw RecordVideoError.directoryUnavailable(path: path, reason: "\(error)")
            }
        }
        guard FileManager.default.isWritableFile(atPath: path) else {
            throw RecordVideoError.directoryUnavailable(path: path, reason: "it is not writable")
        }
        wrapped = environment
        self.directory = directory
        self.episodeTrigger = episodeTrigger
        self.namePrefix = namePrefix
        self.framesPerSecond = framesPerSecond ?? (environment.unwrapped as? any RenderingMetadata)?.renderFPS ?? 30
    }

    /// Gymnasium's default trigger: perfect cubes below 1000, then every 1000th episode.
    public static func cappedCubicSchedule(_ episode: Int) -> Bool {
        guard episode >= 0 else { return false }
        if episode >= 1000 { return episode % 1000 == 0 }
        var root = 0
        while (root + 1) * (root + 1) * (root + 1) <= episode { root += 1 }
        return root * root * root == episode
    }

    /// Whether the current episode is being recorded.
    public var isRecording: Bool { encoder != nil }

    /// The file of episode `episode`.
    public func fileURL(episode: Int) -> URL {
        directory.appendingPathComponent("\(namePrefix)-episode-\(episode).gif")
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        try stopRecording()
        let result = try wrapped.reset(seed: seed, options: options)
        episodeID += 1
        if episodeTrigger(episodeID) { try capture() }
        return result
    }

    public func step(_ action: Action) throws -> Step {
        let result = try wrapped.step(action)
        if encoder != nil {
            try capture()
            if result.isDone { try stopRecording() }
        }
        return result
    }

    /// Writes the episode being recorded, if any, and stops recording it.
    public func stopRecording() throws {
        guard let current = encoder else { return }
        encoder = nil
        let url = fileURL(episode: episodeID)
        do {
            try Data(current.data()).write(to: url, options: .atomic)
        } catch {
            throw RecordVideoError.writeFailed(path: url.path, reason: "\(error)")
        }
        writtenFiles.append(url)
    }

    /// Writes a recording in progress (errors are dropped here: call ``stopRecording()``
    /// first to see them), then closes the environment.
    public func close() {
        try? stopRecording()
        wrapped.close()
    }

    private func capture() throws {
        let frame = try wrapped.render()
        guard case let .rgb(_, height, width) = frame else {
            throw EnvironmentError.renderingUnavailable(id: id, reason: "RecordVideo got a text frame; it needs render_mode rgb_array")
        }
        let current = encoder ?? GIFEncoder(width: width, height: height, framesPerSecond: framesPerSecond)
        encoder = current
        try current.addFrame(frame)
    }
}

/// Why ``RecordVideo`` could not record.
public enum RecordVideoError: Error, Equatable, CustomStringConvertible {
    /// The output directory does not exist and cannot be created, or cannot be written.
    case directoryUnavailable(path: String, reason: String)
    /// A video file could not be written.
    case writeFailed(path: String, reason: String)
    /// A playback rate that is not a positive number.
    case invalidFrameRate(Double)

    public var description: String {
        switch self {
        case let .directoryUnavailable(path, reason):
            return "RecordVideo: cannot use video directory '\(path)': \(reason); pass a writable directory"
        case let .writeFailed(path, reason):
            return "RecordVideo: cannot write '\(path)': \(reason)"
        case let .invalidFrameRate(value):
            return "RecordVideo: framesPerSecond must be a positive number, got \(value)"
        }
    }
}
