/// Where a time step falls in its episode (TF-Agents' `StepType`).
public enum StepType: Int, Sendable, Codable {
    case first = 0, mid = 1, last = 2
}

/// One step as TF-Agents sees it: the observation with the reward and discount that led to it.
public struct TimeStep: Sendable {
    public var stepType: StepType
    public var reward: Double
    /// 0 after termination (no future value), 1 otherwise, including after truncation.
    public var discount: Double
    public var observation: Observation

    public init(stepType: StepType, reward: Double, discount: Double, observation: Observation) {
        self.stepType = stepType
        self.reward = reward
        self.discount = discount
        self.observation = observation
    }

    public var isFirst: Bool { stepType == .first }
    public var isLast: Bool { stepType == .last }
}

/// Shape, type and bounds of an array (TF-Agents' `BoundedArraySpec`).
public struct ArraySpec: Sendable, Hashable {
    public enum ScalarKind: String, Sendable, Codable { case float32, uint8, int64 }
    public var shape: [Int]
    public var kind: ScalarKind
    /// Per-element bounds, or nil for an unbounded float.
    public var minimum: [Double]?
    public var maximum: [Double]?
    public var name: String

    /// The spec of a space's elements: discrete spaces become a scalar int64 bounded by
    /// their range, as TF-Agents' Gym wrapper converts them.
    public init(_ space: Space, name: String) {
        self.name = name
        switch space {
        case let .discrete(n, start):
            shape = []; kind = .int64; minimum = [Double(start)]; maximum = [Double(start + n - 1)]
        case let .multiDiscrete(nvec):
            shape = [nvec.count]; kind = .int64; minimum = nvec.map { _ in 0 }; maximum = nvec.map { Double($0 - 1) }
        case let .box(low, high, shape, scalarType):
            self.shape = shape
            kind = scalarType == .uint8 ? .uint8 : .float32
            minimum = low.map(Double.init); maximum = high.map(Double.init)
        }
    }
}

/// The specs of a time step's fields.
public struct TimeStepSpec: Sendable, Hashable {
    public var observation: ArraySpec
    public var reward = ArraySpec(.box(low: -.infinity, high: .infinity, shape: []), name: "reward")
    public var discount = ArraySpec(.box(low: 0, high: 1, shape: []), name: "discount")
}

/// TF-Agents' view of an environment: `reset()` and `step(_:)` return ``TimeStep``s, and a
/// step after the last one starts a new episode, as a TF-Agents `PyEnvironment` does.
public final class TimeStepEnvironment {
    public let environment: any Environment
    private var needsReset = true
    private var nextSeed: UInt64?

    /// Views `environment`; the first reset uses `seed`.
    public init(_ environment: any Environment, seed: UInt64? = nil) {
        self.environment = environment
        nextSeed = seed
    }

    public var observationSpec: ArraySpec { ArraySpec(environment.observationSpace, name: "observation") }
    public var actionSpec: ArraySpec { ArraySpec(environment.actionSpace, name: "action") }
    public var timeStepSpec: TimeStepSpec { TimeStepSpec(observation: observationSpec) }

    /// Starts an episode.
    public func reset() throws -> TimeStep {
        let (observation, _) = try environment.reset(seed: nextSeed)
        nextSeed = nil
        needsReset = false
        return TimeStep(stepType: .first, reward: 0, discount: 1, observation: observation)
    }

    /// Steps, or resets when the previous step was the last of its episode.
    public func step(_ action: Action) throws -> TimeStep {
        if needsReset { return try reset() }
        let result = try environment.step(action)
        needsReset = result.isDone
        return TimeStep(stepType: result.isDone ? .last : .mid, reward: result.reward,
                        discount: result.terminated ? 0 : 1, observation: result.observation)
    }
}
