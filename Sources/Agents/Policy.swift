import Environments
import Randomness

/// What a policy reports beside its action: the log-probability of the action under the
/// policy (policy-gradient methods need it), the value estimate of the state (actor-critic
/// methods), and anything else an algorithm wants to carry to its observers.
public struct PolicyInfo: Sendable, Equatable {
    /// log π(a|s) of the chosen action, when the policy is stochastic.
    public var logProbability: Double?
    /// V(s) estimated by the policy's critic, when it has one.
    public var value: Double?
    /// Further named numbers (e.g. the ε in effect, Q-values' maximum).
    public var extras: [String: Double]

    public init(logProbability: Double? = nil, value: Double? = nil, extras: [String: Double] = [:]) {
        self.logProbability = logProbability
        self.value = value
        self.extras = extras
    }
}

/// The memory a recurrent policy carries from step to step (TF-Agents' `policy_state`),
/// flattened; feed-forward policies have none.
public struct PolicyState: Sendable, Equatable, Codable {
    public var values: [Float]
    public init(_ values: [Float]) { self.values = values }
}

/// A policy's answer for one time step (TF-Agents' `PolicyStep`).
public struct PolicyStep: Sendable {
    public var action: Action
    /// The state to pass with the next time step of the same episode.
    public var state: PolicyState?
    public var info: PolicyInfo

    public init(action: Action, state: PolicyState? = nil, info: PolicyInfo = PolicyInfo()) {
        self.action = action
        self.state = state
        self.info = info
    }
}

/// Maps time steps to actions (TF-Agents' `TFPolicy.action(time_step, policy_state)`).
///
/// Randomness comes from the generator the caller passes, never from a hidden source, so a
/// driver that owns and checkpoints its generator reproduces every action. Agents expose a
/// greedy `policy` for evaluation and an exploring `collectPolicy` for training.
public protocol Policy: AnyObject {
    /// The space the actions belong to.
    var actionSpace: Space { get }
    /// The policy state at the start of an episode; nil for feed-forward policies.
    func initialState() -> PolicyState?
    /// The action for `timeStep`, given the state returned with the previous step of the episode.
    func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep
    /// Actions for several environments at once; the default asks ``action(for:state:using:)``
    /// for each in order. Neural policies override it to run one batched forward pass.
    func actions(for timeSteps: [TimeStep], states: [PolicyState?], using generator: inout RandomGenerator) throws -> [PolicyStep]
}

extension Policy {
    public func initialState() -> PolicyState? { nil }

    public func actions(for timeSteps: [TimeStep], states: [PolicyState?],
                        using generator: inout RandomGenerator) throws -> [PolicyStep] {
        precondition(timeSteps.count == states.count,
                     "Policy.actions: \(timeSteps.count) time steps but \(states.count) states")
        var steps: [PolicyStep] = []
        steps.reserveCapacity(timeSteps.count)
        for (timeStep, state) in zip(timeSteps, states) {
            steps.append(try action(for: timeStep, state: state, using: &generator))
        }
        return steps
    }

    /// The action for an observation outside any episode bookkeeping (a mid-episode step).
    public func action(for observation: Observation, using generator: inout RandomGenerator) throws -> Action {
        try action(for: TimeStep(stepType: .mid, reward: 0, discount: 1, observation: observation),
                   state: initialState(), using: &generator).action
    }
}

/// Errors a policy throws for input it cannot act on.
public enum PolicyError: Error, Equatable, CustomStringConvertible {
    /// The observation does not have the shape or kind the policy was built for.
    case unexpectedObservation(policy: String, reason: String)
    /// A policy was given a configuration it cannot use.
    case invalidConfiguration(policy: String, reason: String)

    public var description: String {
        switch self {
        case let .unexpectedObservation(policy, reason):
            return "\(policy): cannot act on this observation: \(reason)"
        case let .invalidConfiguration(policy, reason):
            return "\(policy): \(reason)"
        }
    }
}
