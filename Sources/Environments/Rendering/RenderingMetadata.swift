/// What an environment says about its pictures (Gymnasium's `metadata` dictionary).
///
/// ``RecordVideo`` plays recordings at ``renderFPS``, so a video shows the environment at
/// the speed Gymnasium's human-mode window would.
public protocol RenderingMetadata: Environment {
    /// Frames per second of real time (Gymnasium's `metadata["render_fps"]`).
    var renderFPS: Double { get }
}
