/// Replaces each observation by its difference from the previous one: the preprocessing of
/// Karpathy's "Pong from Pixels" policy gradient (`x = cur_x - prev_x`), which makes motion
/// visible to a feed-forward policy.
///
/// As there, the first observation of an episode (the reset one) becomes all zeros, since
/// it has no predecessor. Observations become float32 of the same shape, also for uint8
/// inputs (differences of bytes need a sign); a box `[low, high]` becomes
/// `[low − high, high − low]`.
public final class FrameDifference: EnvironmentWrapper {
    public let wrapped: any Environment
    public let observationSpace: Space
    private let shape: [Int]
    private var previous: [Float]
    private var difference: [Float]

    /// Wraps an environment with a box observation space (float32 or uint8).
    public init(_ env: any Environment) {
        guard case let .box(low, high, shape, _) = env.observationSpace else {
            preconditionFailure("FrameDifference needs a Box observation space, \(env.id) has \(env.observationSpace)")
        }
        wrapped = env
        self.shape = shape
        observationSpace = .box(low: zip(low, high).map { $0 - $1 }, high: zip(low, high).map { $1 - $0 }, shape: shape, scalarType: .float32)
        previous = Array(repeating: 0, count: low.count)
        difference = previous
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        let (observation, info) = try wrapped.reset(seed: seed, options: options)
        try remember(observation)
        for i in 0..<difference.count { difference[i] = 0 }
        return (.float32(difference, shape: shape), info)
    }

    public func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        let old = previous
        try remember(result.observation)
        for i in 0..<difference.count { difference[i] = previous[i] - old[i] }
        result.observation = .float32(difference, shape: shape)
        return result
    }

    private func remember(_ observation: Observation) throws {
        guard observation.shape == shape else {
            throw EnvironmentError.invalidState(id: id, reason: "FrameDifference got an observation of shape \(observation.shape), expected \(shape)")
        }
        switch observation {
        case let .float32(values, _): previous = values
        case let .uint8(values, _): for i in 0..<values.count { previous[i] = Float(values[i]) }
        default: throw EnvironmentError.invalidState(id: id, reason: "FrameDifference needs float32 or uint8 observations, got \(observation)")
        }
    }
}
