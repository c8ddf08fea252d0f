import Randomness

/// The result of one ``Environment/step(_:)`` (Gymnasium 1.x semantics).
public struct Step: Sendable {
    /// The observation after the action.
    public var observation: Observation
    /// The reward for the transition.
    public var reward: Double
    /// The episode ended in a terminal state of the MDP (the pole fell, the goal was
    /// reached): the value of the next state is zero.
    public var terminated: Bool
    /// The episode was cut short from outside the MDP (a time limit): the next state still
    /// has a value, and learners bootstrap from it.
    public var truncated: Bool
    public var info: Info

    public init(observation: Observation, reward: Double, terminated: Bool, truncated: Bool, info: Info = Info()) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
        self.info = info
    }

    /// The episode is over either way.
    public var isDone: Bool { terminated || truncated }
}

/// How `render()` draws.
public enum RenderMode: String, Codable, Sendable, CaseIterable {
    /// An RGB image (`Frame.rgb`).
    case rgbArray = "rgb_array"
    /// Text (`Frame.text`), for grid worlds.
    case ansi
}

/// One rendered picture of an environment.
public enum Frame: Sendable, Equatable {
    /// Height × width × 3 bytes, row-major RGB.
    case rgb(pixels: [UInt8], height: Int, width: Int)
    /// A text picture.
    case text(String)
}

/// Something wrong with how an environment was made or used. Every case says what to do.
public enum EnvironmentError: Error, Equatable, CustomStringConvertible {
    /// `make` got an id that is not registered.
    case unknownID(String, suggestions: [String])
    /// An option the environment does not take, or a value it cannot parse.
    case invalidOption(id: String, option: String, reason: String)
    /// An action outside the action space.
    case invalidAction(id: String, reason: String)
    /// `step` was called before `reset`.
    case stepBeforeReset(id: String)
    /// `step` was called after the episode ended, without `reset`.
    case stepAfterDone(id: String)
    /// A physical state of the wrong length, or with a value the environment cannot take.
    case invalidState(id: String, reason: String)
    /// `render` was called without a render mode, or with one the environment lacks.
    case renderingUnavailable(id: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownID(id, suggestions):
            let hint = suggestions.isEmpty ? "run `swiftrl envs` for the list" : "did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
            return "unknown environment id '\(id)': \(hint)"
        case let .invalidOption(id, option, reason):
            return "\(id): option '\(option)': \(reason)"
        case let .invalidAction(id, reason):
            return "\(id): invalid action: \(reason)"
        case let .stepBeforeReset(id):
            return "\(id): step(_:) called before reset(seed:options:); reset the environment first"
        case let .stepAfterDone(id):
            return "\(id): step(_:) called after the episode ended (terminated or truncated); call reset(seed:options:) first"
        case let .invalidState(id, reason):
            return "\(id): invalid state: \(reason)"
        case let .renderingUnavailable(id, reason):
            return "\(id): cannot render: \(reason)"
        }
    }
}

/// A reinforcement-learning environment with Gymnasium's contract.
///
/// Environments are reference types: wrappers, drivers and vector environments share one
/// simulator and its state. `reset(seed:options:)` must be called before the first `step`;
/// passing a seed reseeds the environment's random generator, passing nil continues it.
public protocol Environment: AnyObject {
    /// The valid observations.
    var observationSpace: Space { get }
    /// The valid actions.
    var actionSpace: Space { get }
    /// The registered id (`CartPole-v1`), or a descriptive name for unregistered environments.
    var id: String { get }
    /// How `render()` draws, or nil when rendering is off.
    var renderMode: RenderMode? { get }

    /// Starts an episode. A seed makes the episode (and the ones after it, until the next
    /// seed) reproducible.
    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info)

    /// Applies `action` and advances one step. Throws ``EnvironmentError/invalidAction(id:reason:)``
    /// for an action outside the space and ``EnvironmentError/stepAfterDone(id:)`` when the
    /// episode has ended.
    func step(_ action: Action) throws -> Step

    /// A picture of the current state in ``renderMode``.
    func render() throws -> Frame

    /// Releases resources (worker processes, files). Stepping afterwards is undefined.
    func close()
}

extension Environment {
    public var renderMode: RenderMode? { nil }

    public func render() throws -> Frame {
        throw EnvironmentError.renderingUnavailable(id: id, reason: "this environment does not render")
    }

    public func close() {}

    /// `reset(seed:options:)` without options.
    public func reset(seed: UInt64? = nil) throws -> (observation: Observation, info: Info) {
        try reset(seed: seed, options: [:])
    }

    /// The innermost environment under any wrappers (Gymnasium's `env.unwrapped`).
    public var unwrapped: any Environment {
        var current: any Environment = self
        while let wrapper = current as? any EnvironmentWrapper { current = wrapper.wrapped }
        return current
    }
}

/// An environment whose physical state can be read and set, as Gymnasium's
/// `env.unwrapped.state`: for debugging and for replaying recorded trajectories.
public protocol StatefulEnvironment: Environment {
    /// The physical state, in Gymnasium's order and units.
    var state: [Double] { get }
    /// Sets the physical state; the next step starts from it. Throws
    /// ``EnvironmentError/invalidState(id:reason:)`` for a state of the wrong length.
    func setState(_ state: [Double]) throws
}

/// An environment whose valid actions depend on its state, like the textbook MDP whose
/// states allow different action sets. Samplers and the environment checker pick from
/// ``legalActions`` instead of the whole action space.
public protocol LegalActionsEnvironment: Environment {
    /// The actions allowed in the current state.
    var legalActions: [Action] { get }
}

extension Environment {
    /// A random action that is valid now: from ``LegalActionsEnvironment/legalActions`` when
    /// the innermost environment restricts them, otherwise from the action space.
    public func sampleAction(using generator: inout RandomGenerator) -> Action {
        if let restricted = unwrapped as? any LegalActionsEnvironment {
            let legal = restricted.legalActions
            if !legal.isEmpty { return legal[generator.int(below: legal.count)] }
        }
        return actionSpace.sample(using: &generator)
    }
}

/// An environment that changes another one (Gymnasium's `Wrapper`). By default every
/// requirement forwards to ``wrapped``; wrappers override what they change.
public protocol EnvironmentWrapper: Environment {
    var wrapped: any Environment { get }
}

extension EnvironmentWrapper {
    public var observationSpace: Space { wrapped.observationSpace }
    public var actionSpace: Space { wrapped.actionSpace }
    public var id: String { wrapped.id }
    public var renderMode: RenderMode? { wrapped.renderMode }
    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        try wrapped.reset(seed: seed, options: options)
    }
    public func step(_ action: Action) throws -> Step { try wrapped.step(action) }
    public func render() throws -> Frame { try wrapped.render() }
    public func close() { wrapped.close() }
}

/// A wrapper that changes only observations, reset ones included (Gymnasium's
/// `ObservationWrapper`): it implements ``observation(_:)`` and inherits `reset` and `step`.
public protocol ObservationWrapper: EnvironmentWrapper {
    /// The wrapped environment's observation as this wrapper hands it on.
    func observation(_ observation: Observation) throws -> Observation
}

extension ObservationWrapper {
    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        let (observation, info) = try wrapped.reset(seed: seed, options: options)
        return (try self.observation(observation), info)
    }

    public func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        result.observation = try observation(result.observation)
        return result
    }
}

/// What ``RepeatedStepping/step(_:repeating:keepingObservationsAt:)`` returns: the
/// rewards of the steps taken, how the last one ended, and the observations asked for.
public struct RepeatedSteps: Sendable {
    /// Each step's reward, in order; its count is the number of steps taken.
    public var rewards: [Double]
    /// Whether the last step taken reached a terminal state.
    public var terminated: Bool
    /// Whether the last step taken was cut short.
    public var truncated: Bool
    /// The info of the last step taken.
    public var info: Info
    /// The observations after the requested steps (by step index, from 0) that were taken.
    public var observations: [Int: Observation]

    public init(rewards: [Double], terminated: Bool, truncated: Bool, info: Info, observations: [Int: Observation]) {
        self.rewards = rewards
        self.terminated = terminated
        self.truncated = truncated
        self.info = info
        self.observations = observations
    }
}

/// An environment that repeats one action for several steps in one call, handing back only
/// the observations asked for: frame skipping (``AtariPreprocessing``) over a process
/// boundary then costs one round trip per agent step instead of one per frame.
public protocol RepeatedStepping: Environment {
    /// Steps `action` up to `count` times, stopping after a step that ends the episode, as
    /// `count` calls of `step(_:)` would; keeps the observations after the steps whose
    /// indices (0-based) are in `indices`.
    func step(_ action: Action, repeating count: Int, keepingObservationsAt indices: Set<Int>) throws -> RepeatedSteps
}
