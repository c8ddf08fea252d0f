/// Clips continuous actions into the wrapped environment's box before stepping (Gymnasium's
/// `ClipAction`, gymnasium/wrappers/transform_action.py).
///
/// As in Gymnasium 1.x the wrapper's own action space is the unbounded box of the same shape
/// (any finite action is valid and gets clipped); NaN and wrong shapes are still refused
/// with ``EnvironmentError/invalidAction(id:reason:)``.
public final class ClipAction: EnvironmentWrapper {
    public let wrapped: any Environment
    private let low: [Float]
    private let high: [Float]
    private let shape: [Int]
    private var clipped: [Float]

    /// Wraps an environment with a float32 box action space.
    public init(_ env: any Environment) {
        guard case let .box(low, high, shape, .float32) = env.actionSpace else {
            preconditionFailure("ClipAction needs a float32 Box action space, \(env.id) has \(env.actionSpace)")
        }
        wrapped = env
        self.low = low
        self.high = high
        self.shape = shape
        clipped = low
    }

    public var actionSpace: Space { .box(low: -.infinity, high: .infinity, shape: shape) }

    public func step(_ action: Action) throws -> Step {
        guard case let .float32(values, valueShape) = action, valueShape == shape, !values.contains(where: \.isNaN) else {
            throw EnvironmentError.invalidAction(id: id, reason: actionSpace.violation(of: action) ?? "expected a float32 action of shape \(shape)")
        }
        for i in 0..<values.count { clipped[i] = Swift.min(Swift.max(values[i], low[i]), high[i]) }
        return try wrapped.step(.float32(clipped, shape: shape))
    }
}
