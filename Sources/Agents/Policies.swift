import Environments
import Networks
import Randomness

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Actions drawn uniformly from the action space (TF-Agents' `RandomPyPolicy`). In an
/// environment with legal-action sets, pass `legalActions` to draw among them only.
public final class RandomPolicy: Policy {
    public let actionSpace: Space
    private let legalActions: ((Observation) -> [Action])?

    public init(actionSpace: Space, legalActions: ((Observation) -> [Action])? = nil) {
        self.actionSpace = actionSpace
        self.legalActions = legalActions
    }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        if let legal = legalActions?(timeStep.observation), !legal.isEmpty {
            let index = generator.int(below: legal.count)
            return PolicyStep(action: legal[index], state: state,
                              info: PolicyInfo(logProbability: -log(Double(legal.count))))
        }
        var logProbability: Double?
        if case let .discrete(n, _) = actionSpace { logProbability = -log(Double(n)) }
        return PolicyStep(action: actionSpace.sample(using: &generator), state: state,
                          info: PolicyInfo(logProbability: logProbability))
    }
}

/// The action of highest value (ties go to the lowest action, as NumPy's `argmax`), from a
/// function of the observation that returns one value per discrete action: a Q-table row, a
/// Q-network's output.
public final class GreedyPolicy: Policy {
    public let actionSpace: Space
    private let actionValues: (Observation) throws -> [Double]

    public init(actionCount: Int, actionValues: @escaping (Observation) throws -> [Double]) {
        precondition(actionCount > 0, "GreedyPolicy: actionCount must be positive, got \(actionCount)")
        actionSpace = .discrete(actionCount)
        self.actionValues = actionValues
    }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        let values = try actionValues(timeStep.observation)
        guard case let .discrete(n, _) = actionSpace, values.count == n else {
            throw PolicyError.unexpectedObservation(policy: "GreedyPolicy", reason:
                "the value function returned \(values.count) values for \(actionSpace)")
        }
        let best = argmax(values)
        return PolicyStep(action: .discrete(best), state: state, info: PolicyInfo(extras: ["max_q": values[best]]))
    }
}

/// With probability ε a uniformly random action, otherwise the wrapped greedy policy's
/// (TF-Agents' `EpsilonGreedyPolicy`). ε follows a schedule of the number of actions this
/// policy has chosen, e.g. `.linear(from: 1, to: 0.05, steps: 10_000)` (the count is part of
/// the policy's checkpointable state, ``actionsTaken``), or comes from a function an agent
/// supplies when it anneals ε by a clock of its own (DQN: environment steps, with ε = 1
/// until learning starts).
public final class EpsilonGreedyPolicy: Policy {
    public let greedy: any Policy
    /// The schedule over ``actionsTaken``; nil when ε comes from a function.
    public let epsilon: LearningRateSchedule?
    private let epsilonFunction: (() -> Double)?
    /// Actions chosen so far: the schedule's step.
    public var actionsTaken = 0
    public var actionSpace: Space { greedy.actionSpace }

    public init(greedy: any Policy, epsilon: LearningRateSchedule) {
        self.greedy = greedy
        self.epsilon = epsilon
        epsilonFunction = nil
    }

    /// ε is whatever `epsilon` returns when an action is chosen.
    public init(greedy: any Policy, epsilon: @escaping () -> Double) {
        self.greedy = greedy
        self.epsilon = nil
        epsilonFunction = epsilon
    }

    /// ε for the next action.
    public var currentEpsilon: Double { epsilonFunction?() ?? Double(epsilon!.value(at: actionsTaken)) }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        let e = currentEpsilon
        actionsTaken += 1
        // The uniform draw comes first and always, so the generator advances the same way
        // whichever branch is taken.
        if generator.uniformDouble() < e {
            var step = PolicyStep(action: actionSpace.sample(using: &generator), state: state)
            step.info.extras["epsilon"] = e
            return step
        }
        var step = try greedy.action(for: timeStep, state: state, using: &generator)
        step.info.extras["epsilon"] = e
        return step
    }
}

/// Samples from a categorical distribution over discrete actions given by logits that a
/// function of the observation returns (a softmax policy).
public final class CategoricalPolicy: Policy {
    public let actionSpace: Space
    private let logits: (Observation) throws -> [Float]

    public init(actionCount: Int, logits: @escaping (Observation) throws -> [Float]) {
        precondition(actionCount > 0, "CategoricalPolicy: actionCount must be positive, got \(actionCount)")
        actionSpace = .discrete(actionCount)
        self.logits = logits
    }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        let values = try logits(timeStep.observation)
        guard case let .discrete(n, _) = actionSpace, values.count == n else {
            throw PolicyError.unexpectedObservation(policy: "CategoricalPolicy", reason:
                "the logits function returned \(values.count) logits for \(actionSpace)")
        }
        let logProbabilities = logSoftmax(values.map(Double.init))
        let action = sampleCategorical(logProbabilities: logProbabilities, using: &generator)
        return PolicyStep(action: .discrete(action), state: state,
                          info: PolicyInfo(logProbability: logProbabilities[action]))
    }
}

/// Samples a diagonal Gaussian action `mean + exp(logStd) · ε` from a function of the
/// observation returning the mean and log standard deviation; optionally clipped to the
/// action space's bounds (the log-probability is that of the unclipped sample, as SB3 does).
public final class GaussianPolicy: Policy {
    public let actionSpace: Space
    public let clipToBounds: Bool
    private let meanAndLogStd: (Observation) throws -> (mean: [Float], logStd: [Float])

    public init(actionSpace: Space, clipToBounds: Bool = true,
                meanAndLogStd: @escaping (Observation) throws -> (mean: [Float], logStd: [Float])) {
        self.actionSpace = actionSpace
        self.clipToBounds = clipToBounds
        self.meanAndLogStd = meanAndLogStd
    }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        let (mean, logStd) = try meanAndLogStd(timeStep.observation)
        guard mean.count == logStd.count, mean.count == actionSpace.shape.reduce(1, *) else {
            throw PolicyError.unexpectedObservation(policy: "GaussianPolicy", reason:
                "got \(mean.count) means and \(logStd.count) log-stds for action shape \(actionSpace.shape)")
        }
        var action = [Float](repeating: 0, count: mean.count)
        var logProbability = 0.0
        for i in mean.indices {
            let noise = generator.normalDouble()
            let std = exp(Double(logStd[i]))
            action[i] = Float(Double(mean[i]) + std * noise)
            logProbability += -0.5 * noise * noise - Double(logStd[i]) - 0.5 * log(2 * Double.pi)
        }
        if clipToBounds, case let .box(low, high, _, _) = actionSpace {
            for i in action.indices { action[i] = min(max(action[i], low[i]), high[i]) }
        }
        return PolicyStep(action: .float32(action, shape: actionSpace.shape), state: state,
                          info: PolicyInfo(logProbability: logProbability))
    }
}

/// The textbook's hard-coded CartPole policy (*Hands-On Machine Learning*, ch. 18): push the
/// cart toward the side the pole leans, left when the angle is negative, right otherwise.
public final class CartPoleLeanPolicy: Policy {
    public let actionSpace: Space = .discrete(2)
    public init() {}

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        guard case let .float32(values, _) = timeStep.observation, values.count == 4 else {
            throw PolicyError.unexpectedObservation(policy: "CartPoleLeanPolicy", reason:
                "expected CartPole's 4 floats [x, x_dot, theta, theta_dot], got shape \(timeStep.observation.shape)")
        }
        return PolicyStep(action: .discrete(values[2] < 0 ? 0 : 1), state: state)
    }
}

/// A policy written as a closure of the time step (and the generator, for scripted randomness).
public final class ScriptedPolicy: Policy {
    public let actionSpace: Space
    private let body: (TimeStep, inout RandomGenerator) throws -> Action

    public init(actionSpace: Space, _ body: @escaping (TimeStep, inout RandomGenerator) throws -> Action) {
        self.actionSpace = actionSpace
        self.body = body
    }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        PolicyStep(action: try body(timeStep, &generator), state: state)
    }
}

// MARK: - Helpers shared by the policies and algorithms

/// The index of the largest value; the first on ties, as NumPy's `argmax`.
public func argmax<C: Collection>(_ values: C) -> Int where C.Element: Comparable, C.Index == Int {
    precondition(!values.isEmpty, "argmax of an empty collection")
    var best = values.startIndex
    for i in values.indices where values[i] > values[best] { best = i }
    return best - values.startIndex
}

/// log-softmax computed stably (the maximum is subtracted first).
public func logSoftmax(_ logits: [Double]) -> [Double] {
    let peak = logits.max() ?? 0
    let logSum = log(logits.reduce(0) { $0 + exp($1 - peak) }) + peak
    return logits.map { $0 - logSum }
}

/// An index drawn with the given log-probabilities by inverse-CDF sampling of one uniform number.
public func sampleCategorical(logProbabilities: [Double], using generator: inout RandomGenerator) -> Int {
    let u = generator.uniformDouble()
    var cumulative = 0.0
    for (i, logProbability) in logProbabilities.enumerated() {
        cumulative += exp(logProbability)
        if u < cumulative { return i }
    }
    return logProbabilities.count - 1
}
