/// Turns a continuous box action space into evenly spaced discrete choices (TF-Agents'
/// `ActionDiscretizeWrapper`): dimension i gets `actionsPerDimension[i]` values
/// `linspace(low[i], high[i], n)`, bounds included.
///
/// A one-element box becomes `Discrete(n)`; a larger one `MultiDiscrete(n₀, n₁, …)` whose
/// element i picks the value of dimension i. (Gymnasium's `DiscretizeAction` uses bin
/// centres instead of endpoints and can flatten to one Discrete; this follows TF-Agents, so
/// the extreme actions stay reachable, e.g. full torque on Pendulum.)
public final class DiscretizeAction: EnvironmentWrapper {
    public let wrapped: any Environment
    /// The number of choices per action dimension.
    public let actionsPerDimension: [Int]
    /// The continuous value of each choice, per dimension.
    public let actionMap: [[Float]]
    private let shape: [Int]
    private var continuous: [Float]

    /// Wraps an environment with a bounded float32 box action space, with the same number of
    /// choices in every dimension.
    public convenience init(_ env: any Environment, actionsPerDimension: Int) {
        self.init(env, actionsPerDimension: Array(repeating: actionsPerDimension, count: env.actionSpace.shape.reduce(1, *)))
    }

    /// Wraps an environment with a bounded float32 box action space, with
    /// `actionsPerDimension[i]` choices (at least 2, as TF-Agents requires) in dimension i.
    public init(_ env: any Environment, actionsPerDimension: [Int]) {
        guard case let .box(low, high, shape, .float32) = env.actionSpace else {
            preconditionFailure("DiscretizeAction needs a float32 Box action space, \(env.id) has \(env.actionSpace)")
        }
        precondition(low.allSatisfy(\.isFinite) && high.allSatisfy(\.isFinite),
                     "DiscretizeAction: the action box of \(env.id) must be bounded, got \(env.actionSpace)")
        precondition(actionsPerDimension.count == low.count,
                     "DiscretizeAction: \(actionsPerDimension.count) counts for \(low.count) action dimensions")
        precondition(actionsPerDimension.allSatisfy { $0 > 1 },
                     "DiscretizeAction: every dimension needs at least 2 actions, got \(actionsPerDimension)")
        wrapped = env
        self.actionsPerDimension = actionsPerDimension
        self.shape = shape
        continuous = low
        actionMap = zip(actionsPerDimension, zip(low, high)).map { n, bounds in
            // numpy's linspace: start + i·step, with the stop written exactly.
            let step = (Double(bounds.1) - Double(bounds.0)) / Double(n - 1)
            return (0..<n).map { $0 == n - 1 ? bounds.1 : Float(Double(bounds.0) + Double($0) * step) }
        }
    }

    public var actionSpace: Space {
        actionsPerDimension.count == 1 ? .discrete(actionsPerDimension[0]) : .multiDiscrete(actionsPerDimension)
    }

    public func step(_ action: Action) throws -> Step {
        if let reason = actionSpace.violation(of: action) { throw EnvironmentError.invalidAction(id: id, reason: reason) }
        switch action {
        case let .discrete(index):
            continuous[0] = actionMap[0][index]
        case let .multiDiscrete(indices):
            for (i, index) in indices.enumerated() { continuous[i] = actionMap[i][index] }
        default:
            throw EnvironmentError.invalidAction(id: id, reason: "expected an element of \(actionSpace)")
        }
        return try wrapped.step(.float32(continuous, shape: shape))
    }
}
