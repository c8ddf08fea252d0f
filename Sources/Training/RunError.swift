/// Why a run cannot start, continue or write its files.
public enum RunError: Error, Equatable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case notARunDirectory(path: String, reason: String)
    case unreadableCheckpoint(path: String, reason: String)
    case checkpointMismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason):
            return "cannot write \(path): \(reason)"
        case let .notARunDirectory(path, reason):
            return "\(path) is not a usable run directory: \(reason)"
        case let .unreadableCheckpoint(path, reason):
            return "cannot read the checkpoint \(path): \(reason)"
        case let .checkpointMismatch(path, reason):
            return "the checkpoint \(path) does not belong to this run: \(reason)"
        }
    }
}
