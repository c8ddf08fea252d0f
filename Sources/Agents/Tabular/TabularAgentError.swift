import Environments

/// Why a tabular learner cannot be built: the environment has no table-sized state space,
/// or a hyperparameter is out of range. Every case names the problem and the fix.
public enum TabularAgentError: Error, Equatable, CustomStringConvertible {
    /// The observation or action space cannot index a table.
    case notTabular(environment: String, reason: String)
    /// A configuration field has a value the algorithm cannot use.
    case invalidConfiguration(field: String, reason: String)

    /// The message, with what to do about it.
    public var description: String {
        switch self {
        case let .notTabular(environment, reason):
            return "\(environment) is not a tabular environment: \(reason); tabular algorithms need Discrete (or small "
                + "MultiDiscrete) observations and Discrete actions, such as FrozenLake-v1, CliffWalking-v1 or ThreeStateMDP-v0"
        case let .invalidConfiguration(field, reason):
            return "invalid '\(field)': \(reason)"
        }
    }
}
