import Randomness

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The mountain car with a continuous throttle, with Gymnasium's exact dynamics
/// (`gymnasium/envs/classic_control/continuous_mountain_car.py`, Gymnasium 1.x).
///
/// The action is a force in [−1, 1] (shape [1]); the reward is −0.1·a² per step, plus 100 on
/// the step that reaches the flag (position ≥ 0.45 with velocity ≥ `goalVelocity`).
///
/// Gymnasium clamps the force to [−1, 1] inside `step` but charges the unclamped action in
/// the reward. Here an action outside the Box is refused with
/// ``EnvironmentError/invalidAction(id:reason:)``, as every other action outside its space
/// is; wrap the environment in an action clip to get Gymnasium's lenient behaviour.
///
/// Gymnasium stores the state as a float32 array after every step, so all steps but the
/// first after a reset (or a state assignment) compute in float32 under NumPy 2's promotion
/// rules. This class reproduces that arithmetic exactly, so that reaching the flag happens on
/// the same step as in Gymnasium.
public final class MountainCarContinuous: StatefulEnvironment {
    /// MountainCarContinuous-v0: 999 steps, solved at 90 (`gymnasium/envs/__init__.py`).
    public static let specs: [EnvironmentSpec] = [
        EnvironmentSpec(
            id: "MountainCarContinuous-v0", rewardThreshold: 90, maxEpisodeSteps: 999,
            options: [EnvironmentOptionSpec("goal_velocity", default: "0",
                                            help: "the velocity the car must have at the flag to finish")],
            summary: "drive an under-powered car up a hill with a continuous throttle (Gymnasium's MountainCarContinuous)"
        ) { options in
            try MountainCarContinuous(renderMode: try options.renderMode(),
                                      goalVelocity: try options.double("goal_velocity", default: 0))
        },
    ]

    public let id = "MountainCarContinuous-v0"
    /// `.rgbArray` or nil; MountainCarContinuous has no text rendering.
    public let renderMode: RenderMode?
    /// Box([minPosition, −maxSpeed], [maxPosition, maxSpeed]) in Float32.
    public let observationSpace: Space
    /// Box(−1, 1, shape [1]) in Float32: the throttle.
    public let actionSpace: Space = .box(low: -1, high: 1, shape: [1])

    /// The left wall (the car stops dead against it).
    public let minPosition = -1.2
    /// The right edge of the track.
    public let maxPosition = 0.6
    /// The speed limit, either way.
    public let maxSpeed = 0.07
    /// Where the flag stands (0.45 in this version, 0.5 in the discrete one).
    public let goalPosition = 0.45
    /// The velocity the car needs at the flag to finish (option `goal_velocity`).
    public let goalVelocity: Double
    /// Acceleration per unit of throttle.
    public let power = 0.0015
    /// Scale of the hill's pull, `0.0025 * cos(3 * position)`.
    public let gravity = 0.0025

    /// Position along the track.
    @exclusivity(unchecked) public private(set) var position = 0.0
    /// Velocity along the track.
    @exclusivity(unchecked) public private(set) var velocity = 0.0

    @exclusivity(unchecked) private var generator = RandomGenerator(seed: classicControlDefaultSeed)
    @exclusivity(unchecked) private var phase = EpisodePhase.needsReset
    // True once a step has stored the state as float32, as Gymnasium's `self.state` is.
    @exclusivity(unchecked) private var stateIsFloat32 = false
    @exclusivity(unchecked) private var observation: [Float] = [0, 0]
    // Static, so immortal: handing it out with each observation costs no atomic count.
    private static let observationShape = [2]

    /// Makes a continuous mountain car. Throws ``EnvironmentError/invalidOption(id:option:reason:)``
    /// for the `ansi` render mode.
    public init(renderMode: RenderMode? = nil, goalVelocity: Double = 0) throws {
        self.renderMode = try validatedImageRenderMode(renderMode, id: "MountainCarContinuous-v0")
        self.goalVelocity = goalVelocity
        observationSpace = .box(low: [Float(minPosition), Float(-maxSpeed)], high: [Float(maxPosition), Float(maxSpeed)],
                                shape: [2], scalarType: .float32)
    }

    /// The height of the track at `position`, as Gymnasium's renderer draws it.
    public func height(at position: Double) -> Double { mountainCarTrackHeight(at: position) }

    /// `[position, velocity]`, Gymnasium's `env.unwrapped.state`.
    public var state: [Double] { [position, velocity] }

    /// Sets `[position, velocity]` (as a float64 state, like assigning a float64 array to
    /// Gymnasium's `env.unwrapped.state`). The episode continues from it, even after a
    /// termination; before the first `reset`, `step` still throws.
    public func setState(_ state: [Double]) throws {
        try validateState(state, count: 2, names: "position, velocity", id: id)
        (position, velocity) = (state[0], state[1])
        stateIsFloat32 = false
        if phase == .terminated { phase = .running }
        writeObservation()
    }

    /// Starts an episode at rest at a position uniform in [low, high) (reset options `low`
    /// and `high`, default −0.6 and −0.4).
    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        let (low, high) = try resetBounds(options, id: id, default: (-0.6, -0.4))
        if let seed { generator = RandomGenerator(seed: seed) }
        position = generator.uniformDouble(low: low, high: high)
        velocity = 0
        stateIsFloat32 = false
        phase = .running
        writeObservation()
        return (.float32(observation, shape: Self.observationShape), Info())
    }

    public func step(_ action: Action) throws -> Step {
        guard phase == .running else {
            throw phase == .needsReset ? EnvironmentError.stepBeforeReset(id: id) : EnvironmentError.stepAfterDone(id: id)
        }
        guard case let .float32(values, shape) = action, shape.count == 1, values.count == 1,
              values[0] >= -1, values[0] <= 1 else {
            throw EnvironmentError.invalidAction(id: id, reason: actionSpace.violation(of: action) ?? "\(action) is not in [-1, 1]")
        }
        let throttle = values[0]
        // NumPy 2 computes `force * power` and `... - 0.0025 * cos(...)` in float32 because
        // the action is float32 and Python floats are weak scalars (NEP 50).
        let push = throttle * Float(power)
        let terminated: Bool
        if stateIsFloat32 {
            let p = Float(position)
            var v = Float(velocity)
            v += push - Float(gravity * cos(Double(3 * p)))
            v = min(max(v, Float(-maxSpeed)), Float(maxSpeed))
            var q = p + v
            q = min(max(q, Float(minPosition)), Float(maxPosition))
            if q == Float(minPosition) && v < 0 { v = 0 }
            terminated = q >= Float(goalPosition) && v >= Float(goalVelocity)
            (position, velocity) = (Double(q), Double(v))
        } else {
            var v = velocity + Double(push - Float(gravity * cos(3 * position)))
            v = min(max(v, -maxSpeed), maxSpeed)
            var q = position + v
            q = min(max(q, minPosition), maxPosition)
            if q == minPosition && v < 0 { v = 0 }
            terminated = q >= goalPosition && v >= goalVelocity
            (position, velocity) = (Double(Float(q)), Double(Float(v)))
            stateIsFloat32 = true
        }
        // `reward -= math.pow(action[0], 2) * 0.1`, in float64 (the square of a float32 is exact).
        let cost = pow(Double(throttle), 2) * 0.1
        let reward = (terminated ? 100 : 0) - cost
        if terminated { phase = .terminated }
        writeObservation()
        return Step(observation: .float32(observation, shape: Self.observationShape), reward: reward,
                    terminated: terminated, truncated: false)
    }

    private func writeObservation() {
        observation.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = Float(position)
            buffer[1] = Float(velocity)
        }
    }
}
