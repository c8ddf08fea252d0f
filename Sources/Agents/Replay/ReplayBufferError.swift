/// Why a replay buffer refused a transition, a sample request or a saved file. Each
/// description names the problem and what to change.
public enum ReplayBufferError: Error, Equatable, CustomStringConvertible {
    /// An observation does not have the type or size the buffer was built for.
    case observationMismatch(String)
    /// An action does not fit the buffer's action layout.
    case actionMismatch(String)
    /// The buffer holds too few transitions (or trajectories) to draw the requested sample.
    case insufficientData(String)
    /// A space cannot be stored (the buffer keeps box, discrete and float-vector spaces).
    case unsupportedSpace(String)
    /// A saved buffer does not fit this buffer, or the file is damaged.
    case invalidSavedState(String)

    public var description: String {
        switch self {
        case let .observationMismatch(reason):
            return "replay buffer: \(reason); build the buffer with the environment's observation space (and frameStack) it stores"
        case let .actionMismatch(reason):
            return "replay buffer: \(reason); build the buffer with the environment's action space"
        case let .insufficientData(reason):
            return "replay buffer: \(reason); collect more steps before sampling (learning starts later)"
        case let .unsupportedSpace(reason):
            return "replay buffer: \(reason)"
        case let .invalidSavedState(reason):
            return "replay buffer: cannot restore the saved buffer: \(reason); restore it into a buffer built with the configuration it was saved with"
        }
    }
}
