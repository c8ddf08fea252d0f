/// Stacks the last `stackSize` observations along a new leading axis (Gymnasium 1.x's
/// `FrameStackObservation`, gymnasium/wrappers/stateful_observation.py): a `[84, 84]` frame
/// becomes `[4, 84, 84]`, oldest first, newest last.
///
/// After reset the stack holds the reset observation once and `stackSize − 1` copies of the
/// padding: the reset observation itself (`.reset`, Gymnasium's default), zeros clipped into
/// the space's bounds (`.zero`, Gymnasium's `create_zero_array`), or a given observation.
/// Box spaces stack into a box with bounds repeated; a `Discrete(n)` space (start 0) stacks
/// into `MultiDiscrete([n, …, n])`, as Gymnasium's `batch_space` does.
public final class FrameStack: EnvironmentWrapper {
    /// What fills the stack after reset.
    public enum Padding: Sendable {
        /// Copies of the reset observation.
        case reset
        /// The space's zero element.
        case zero
        /// A fixed observation from the wrapped space.
        case value(Observation)
    }

    public let wrapped: any Environment
    /// The number of stacked observations.
    public let stackSize: Int
    /// What fills the stack after reset.
    public let paddingType: Padding
    public let observationSpace: Space
    private let frameShape: [Int]
    private let frameCount: Int
    private var floats: [Float] = []
    private var bytes: [UInt8] = []
    private var integers: [Int] = []

    public init(_ env: any Environment, stackSize: Int, paddingType: Padding = .reset) {
        precondition(stackSize > 0, "FrameStack: stackSize must be positive, got \(stackSize)")
        let space = env.observationSpace
        switch space {
        case let .box(low, high, shape, scalarType):
            let repeated = { (values: [Float]) in Array([[Float]](repeating: values, count: stackSize).joined()) }
            observationSpace = .box(low: repeated(low), high: repeated(high), shape: [stackSize] + shape, scalarType: scalarType)
            frameShape = shape
        case let .discrete(n, start):
            precondition(start == 0, "FrameStack: Discrete(\(n), start: \(start)) cannot stack into a MultiDiscrete space, which starts at 0")
            observationSpace = .multiDiscrete(Array(repeating: n, count: stackSize))
            frameShape = []
        case .multiDiscrete:
            preconditionFailure("FrameStack: stacking \(space) would need a 2-D MultiDiscrete space; flatten the observations first")
        }
        if case let .value(padding) = paddingType {
            precondition(space.contains(padding), "FrameStack: padding \(padding) is not in \(env.id)'s observation space \(space)")
        }
        wrapped = env
        self.stackSize = stackSize
        self.paddingType = paddingType
        frameCount = frameShape.reduce(1, *)
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        let (observation, info) = try wrapped.reset(seed: seed, options: options)
        let padding: Observation
        switch paddingType {
        case .reset: padding = observation
        case .zero: padding = zeroElement(of: wrapped.observationSpace)
        case let .value(value): padding = value
        }
        floats = []; bytes = []; integers = []
        for _ in 0..<(stackSize - 1) { try push(padding) }
        try push(observation)
        return (stacked(), info)
    }

    public func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        try push(result.observation)
        result.observation = stacked()
        return result
    }

    /// Appends `observation`, dropping the oldest once the stack is full.
    private func push(_ observation: Observation) throws {
        switch observation {
        case let .float32(values, shape) where shape == frameShape: shift(&floats, adding: values)
        case let .uint8(values, shape) where shape == frameShape: shift(&bytes, adding: values)
        case let .discrete(value) where frameShape.isEmpty: shift(&integers, adding: [value])
        default:
            throw EnvironmentError.invalidState(id: id, reason: "FrameStack got observation \(observation), outside the observation space \(wrapped.observationSpace)")
        }
    }

    private func shift<T>(_ stack: inout [T], adding frame: [T]) {
        if stack.count == stackSize * frameCount { stack.removeFirst(frameCount) }
        stack.append(contentsOf: frame)
    }

    private func stacked() -> Observation {
        if !floats.isEmpty { return .float32(floats, shape: [stackSize] + frameShape) }
        if !bytes.isEmpty { return .uint8(bytes, shape: [stackSize] + frameShape) }
        return .multiDiscrete(integers)
    }

    /// Gymnasium's `create_zero_array`: zeros moved into the bounds where 0 lies outside.
    private func zeroElement(of space: Space) -> Observation {
        switch space {
        case let .box(low, high, shape, scalarType):
            let values = zip(low, high).map { lo, hi -> Float in lo > 0 ? lo : (hi < 0 ? hi : 0) }
            return scalarType == .uint8 ? .uint8(values.map { UInt8($0) }, shape: shape) : .float32(values, shape: shape)
        case let .discrete(_, start):
            return .discrete(start)
        case let .multiDiscrete(nvec):
            return .multiDiscrete(nvec.map { _ in 0 })
        }
    }
}
