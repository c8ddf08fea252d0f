import Foundation

/// Why a Gymnasium environment could not be made or stepped. Every case says what to do.
public enum GymBridgeError: Error, Equatable, CustomStringConvertible {
    /// No Python interpreter at `python` or on PATH.
    case pythonNotFound(python: String, searched: [String])
    /// A Python module the environment needs is not installed.
    case missingModule(label: String, module: String, install: String, message: String)
    /// Gymnasium has no environment with this id.
    case unknownID(id: String, message: String, suggestions: [String])
    /// The environment has a space SwiftRL cannot translate yet (Dict, Tuple, Text, Graph).
    case unsupportedSpace(label: String, description: String)
    /// `gymnasium.make` raised.
    case makeFailed(label: String, message: String, traceback: String)
    /// The environment raised in `reset`, `step` or `render`; the traceback is Python's.
    case pythonException(label: String, operation: String, message: String, traceback: String)
    /// The worker process ended unexpectedly (killed, crashed, or exited).
    case workerDied(label: String, exit: WorkerExit, log: String)
    /// The worker did not answer within the startup timeout.
    case startupTimeout(label: String, seconds: Double, log: String)
    /// The worker answered something SwiftRL cannot read: a version mismatch or a bug.
    case protocolViolation(label: String, reason: String)
    /// The environment was used after `close()`.
    case closed(label: String)
    /// A system call failed.
    case system(label: String, call: String, errno: Int32)
    /// An id that is neither native nor reachable, because Python or Gymnasium is missing.
    case notNative(id: String, reason: String)

    public var description: String {
        switch self {
        case let .pythonNotFound(python, searched):
            let places = searched.count == 1 ? searched[0] : "PATH (\(searched.prefix(6).joined(separator: ":"))\(searched.count > 6 ? ":…" : ""))"
            return "no Python interpreter '\(python)' in \(places): install Python 3 with `pip install gymnasium` (and `ale-py` for Atari), or pass the interpreter with the option python=/path/to/python3 or the environment variable SWIFTRL_PYTHON"
        case let .missingModule(label, module, install, message):
            return "\(label): the Python module '\(module)' is missing (\(message)): run `\(install)` for the interpreter SwiftRL starts (set SWIFTRL_PYTHON to choose another)"
        case let .unknownID(id, message, suggestions):
            let hint = suggestions.isEmpty ? "run `python3 -c 'import gymnasium; print(list(gymnasium.registry))'` for the list" : "did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
            return "Gymnasium has no environment '\(id)' (\(message)): \(hint)"
        case let .unsupportedSpace(label, description):
            return "\(label): SwiftRL cannot translate the \(description) yet (it takes Discrete, Box, MultiDiscrete and MultiBinary): pass the option flatten_observation=true to flatten a Dict or Tuple observation"
        case let .makeFailed(label, message, traceback):
            return "\(label): gymnasium.make failed: \(message)\(Self.indented(traceback))"
        case let .pythonException(label, operation, message, traceback):
            return "\(label): \(operation) raised in Python: \(message)\(Self.indented(traceback))"
        case let .workerDied(label, exit, log):
            return "\(label): the Python worker \(exit); its last output:\(Self.indented(log.isEmpty ? "(nothing)" : log))\nMake the environment again to start a new worker."
        case let .startupTimeout(label, seconds, log):
            return "\(label): the Python worker did not start within \(seconds) s; raise the option startup_timeout if imports are slow on this machine. Its output so far:\(Self.indented(log.isEmpty ? "(nothing)" : log))"
        case let .protocolViolation(label, reason):
            return "\(label): the Python worker sent \(reason), which this SwiftRL cannot read; report this as a bug"
        case let .closed(label):
            return "\(label): the environment was closed; make a new one"
        case let .notNative(id, reason):
            return "'\(id)' is not a SwiftRL environment (`swiftrl envs` lists them), and Gymnasium could not be asked whether it has it: \(reason)"
        case let .system(label, call, code):
            return "\(label): \(call) failed: \(String(cString: strerror(code)))"
        }
    }

    private static func indented(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .newlines)
        guard !trimmed.isEmpty else { return "" }
        return "\n" + trimmed.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}
