/// How a replay buffer stores actions.
public enum ReplayActionLayout: Codable, Sendable, Equatable {
    /// One integer per step (a `Discrete` space), kept as Int32.
    case discrete
    /// A Float32 vector of `dimension` values per step (a continuous `Box` space).
    case continuous(dimension: Int)

    /// Scalars per step.
    public var scalarCount: Int {
        switch self {
        case .discrete: return 1
        case let .continuous(dimension): return dimension
        }
    }
}

/// What fills a rebuilt frame stack before the first frame of an episode, matching the
/// ``Environments/FrameStack`` wrapper that produced the stacks (Gymnasium 1.x's
/// `FrameStackObservation`).
public enum ReplayStackPadding: String, Codable, Sendable {
    /// Copies of the episode's first frame (Gymnasium's default `padding_type="reset"`).
    case reset
    /// Zeros (`padding_type="zero"`, and SB3's `VecFrameStack`).
    case zero
}
