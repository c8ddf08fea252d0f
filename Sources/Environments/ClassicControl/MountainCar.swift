import Randomness

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Moore's (1990) mountain car with discrete actions, with Gymnasium's exact dynamics
/// (`gymnasium/envs/classic_control/mountain_car.py`, Gymnasium 1.x).
///
/// An under-powered car in a valley must rock back and forth to reach the flag on the right
/// hill. Actions: 0 accelerates left, 1 does nothing, 2 accelerates right. The reward is −1
/// per step; the episode terminates when position ≥ 0.5 and velocity ≥ `goalVelocity`. The
/// physics runs in Double as Gymnasium's float64 state; the observation `[position,
/// velocity]` is its Float32 cast.
public final class MountainCar: StatefulEnvironment {
    /// MountainCar-v0: 200 steps, solved at −110 (`gymnasium/envs/__init__.py`).
    public static let specs: [EnvironmentSpec] = [
        EnvironmentSpec(
            id: "MountainCar-v0", rewardThreshold: -110, maxEpisodeSteps: 200,
            options: [EnvironmentOptionSpec("goal_velocity", default: "0",
                                            help: "the velocity the car must have at the flag to finish")],
            summary: "drive an under-powered car up a hill by rocking it (Gymnasium's MountainCar, 3 actions)"
        ) { options in
            try MountainCar(renderMode: try options.renderMode(), goalVelocity: try options.double("goal_velocity", default: 0))
        },
    ]

    public let id = "MountainCar-v0"
    /// `.rgbArray` or nil; MountainCar has no text rendering.
    public let renderMode: RenderMode?
    /// Box([minPosition, −maxSpeed], [maxPosition, maxSpeed]) in Float32.
    public let observationSpace: Space
    /// Discrete(3): accelerate left, don't accelerate, accelerate right.
    public let actionSpace: Space = .discrete(3)

    /// The left wall (the car stops dead against it).
    public let minPosition = -1.2
    /// The right edge of the track.
    public let maxPosition = 0.6
    /// The speed limit, either way.
    public let maxSpeed = 0.07
    /// Where the flag stands.
    public let goalPosition = 0.5
    /// The velocity the car needs at the flag to finish (option `goal_velocity`).
    public let goalVelocity: Double
    /// Acceleration of a push.
    public let force = 0.001
    /// Scale of the hill's pull, `gravity * cos(3 * position)`.
    public let gravity = 0.0025

    /// Position along the track.
    @exclusivity(unchecked) public private(set) var position = 0.0
    /// Velocity along the track.
    @exclusivity(unchecked) public private(set) var velocity = 0.0

    @exclusivity(unchecked) private var generator = RandomGenerator(seed: classicControlDefaultSeed)
    @exclusivity(unchecked) private var phase = EpisodePhase.needsReset
    @exclusivity(unchecked) private var observation: [Float] = [0, 0]
    // Static, so immortal: handing it out with each observation costs no atomic count.
    private static let observationShape = [2]

    /// Makes a mountain car. Throws ``EnvironmentError/invalidOption(id:option:reason:)`` for
    /// the `ansi` render mode.
    public init(renderMode: RenderMode? = nil, goalVelocity: Double = 0) throws {
        self.renderMode = try validatedImageRenderMode(renderMode, id: "MountainCar-v0")
        self.goalVelocity = goalVelocity
        observationSpace = .box(low: [Float(minPosition), Float(-maxSpeed)], high: [Float(maxPosition), Float(maxSpeed)],
                                shape: [2], scalarType: .float32)
    }

    /// The height of the track at `position`, as Gymnasium's renderer draws it.
    public func height(at position: Double) -> Double { mountainCarTrackHeight(at: position) }

    /// `[position, velocity]`, Gymnasium's `env.unwrapped.state`.
    public var state: [Double] { [position, velocity] }

    /// Sets `[position, velocity]`. The episode continues from it, even after a termination;
    /// before the first `reset`, `step` still throws, as Gymnasium's order enforcing does.
    public func setState(_ state: [Double]) throws {
        try validateState(state, count: 2, names: "position, velocity", id: id)
        (position, velocity) = (state[0], state[1])
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
        phase = .running
        writeObservation()
        return (.float32(observation, shape: Self.observationShape), Info())
    }

    public func step(_ action: Action) throws -> Step {
        guard phase == .running else {
            throw phase == .needsReset ? EnvironmentError.stepBeforeReset(id: id) : EnvironmentError.stepAfterDone(id: id)
        }
        guard case let .discrete(push) = action, (0...2).contains(push) else {
            throw EnvironmentError.invalidAction(id: id, reason: actionSpace.violation(of: action) ?? "\(action) is not 0, 1 or 2")
        }
        // mountain_car.py: `velocity += (action - 1) * force + cos(3 * position) * (-gravity)`.
        velocity += Double(push - 1) * force + cos(3 * position) * -gravity
        velocity = min(max(velocity, -maxSpeed), maxSpeed)
        position += velocity
        position = min(max(position, minPosition), maxPosition)
        if position == minPosition && velocity < 0 { velocity = 0 }
        let terminated = position >= goalPosition && velocity >= goalVelocity
        if terminated { phase = .terminated }
        writeObservation()
        return Step(observation: .float32(observation, shape: Self.observationShape), reward: -1,
                    terminated: terminated, truncated: false)
    }

    private func writeObservation() {
        observation.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = Float(position)
            buffer[1] = Float(velocity)
        }
    }
}
