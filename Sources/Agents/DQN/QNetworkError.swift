/// Why a ``QNetwork`` cannot be built for the given description and spaces.
public enum QNetworkError: Error, Equatable, CustomStringConvertible {
    /// The ``QNetworkConfig`` is inconsistent in itself or with the observation space.
    case invalidConfiguration(String)
    /// The action space is not `Discrete`, or an observation does not fit the space.
    case unsupportedSpace(String)

    /// The problem and what to change.
    public var description: String {
        switch self {
        case let .invalidConfiguration(reason): return "QNetwork: invalid configuration: \(reason)"
        case let .unsupportedSpace(reason): return "QNetwork: \(reason)"
        }
    }
}
