import Environments
import Foundation

/// An observer that draws every frame of the episodes a driver runs in one environment copy
/// into an animated GIF: the starting frame when the episode begins, then one per step.
/// The environment must render RGB frames (made with `render_mode` `rgb_array`).
public final class VideoRecorder: Observer {
    public let environment: any Environment
    public let environmentIndex: Int
    /// Frames beyond this are dropped, bounding the file for very long episodes.
    public let maxFrames: Int
    private var encoder: GIFEncoder?

    public init(environment: any Environment, environmentIndex: Int = 0, maxFrames: Int = 1000) throws {
        guard environment.renderMode == .rgbArray else {
            throw EnvironmentError.renderingUnavailable(id: environment.id, reason:
                "recording video needs RGB frames; make the environment with render_mode rgb_array")
        }
        self.environment = environment
        self.environmentIndex = environmentIndex
        self.maxFrames = maxFrames
    }

    /// Frames recorded so far.
    public var frameCount: Int { encoder?.frameCount ?? 0 }

    public func episodeStarted(environmentIndex: Int, observation: Observation) throws {
        if environmentIndex == self.environmentIndex { try addFrame() }
    }

    public func observe(_ transition: Transition) throws {
        if transition.environmentIndex == environmentIndex { try addFrame() }
    }

    private func addFrame() throws {
        let frame = try environment.render()
        guard case let .rgb(_, height, width) = frame else {
            throw EnvironmentError.renderingUnavailable(id: environment.id, reason: "render() returned no RGB frame")
        }
        if encoder == nil {
            let fps = (environment.unwrapped as? any RenderingMetadata)?.renderFPS ?? 30
            encoder = GIFEncoder(width: width, height: height, framesPerSecond: fps)
        }
        if encoder!.frameCount < maxFrames { try encoder!.addFrame(frame) }
    }

    /// The GIF's bytes; nil before any frame.
    public func gifData() -> [UInt8]? { encoder?.data() }

    /// Writes the GIF to `url`, replacing any file there atomically.
    public func write(to url: URL) throws {
        guard let bytes = gifData() else {
            throw EnvironmentError.renderingUnavailable(id: environment.id, reason: "no frame was recorded")
        }
        try Data(bytes).write(to: url, options: .atomic)
    }
}
