import CLibm
import Randomness

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The inverted-pendulum swing-up, with Gymnasium's exact dynamics
/// (`gymnasium/envs/classic_control/pendulum.py`, Gymnasium 1.x).
///
/// The action is a torque in [−2, 2] (shape [1]); the reward is
/// −(normalize(θ)² + 0.1·θ̇² + 0.001·u²) and the episode never terminates (Pendulum-v1 is
/// truncated at 200 steps). The observation is `[cos θ, sin θ, θ̇]` in Float32.
///
/// Gymnasium keeps θ and θ̇ in float64 but the float32 torque makes `0.001 * u**2` and
/// `3.0 * u` float32 products under NumPy 2's promotion rules; `step` reproduces that.
public final class Pendulum: StatefulEnvironment {
    /// Pendulum-v1: 200 steps, no reward threshold (`gymnasium/envs/__init__.py`).
    public static let specs: [EnvironmentSpec] = [
        EnvironmentSpec(
            id: "Pendulum-v1", rewardThreshold: nil, maxEpisodeSteps: 200,
            options: [EnvironmentOptionSpec("g", default: "10.0", help: "gravitational acceleration (m/s²)")],
            summary: "swing a pendulum up and hold it upright with a bounded torque (Gymnasium's Pendulum)"
        ) { options in
            try Pendulum(renderMode: try options.renderMode(), g: try options.double("g", default: 10.0))
        },
    ]

    public let id = "Pendulum-v1"
    /// `.rgbArray` or nil; Pendulum has no text rendering.
    public let renderMode: RenderMode?
    /// Box([−1, −1, −8], [1, 1, 8]) in Float32.
    public let observationSpace: Space
    /// Box(−2, 2, shape [1]) in Float32: the torque.
    public let actionSpace: Space

    /// Bound on |θ̇| (rad/s).
    public let maxSpeed = 8.0
    /// Bound on |u|.
    public let maxTorque = 2.0
    /// Time step (s).
    public let dt = 0.05
    /// Gravitational acceleration (option `g`).
    public let g: Double
    /// Mass of the pendulum (kg).
    public let m = 1.0
    /// Length of the pendulum (m).
    public let l = 1.0

    /// Angle from upright (rad), unbounded.
    @exclusivity(unchecked) public private(set) var theta = 0.0
    /// Angular velocity (rad/s).
    @exclusivity(unchecked) public private(set) var thetaDot = 0.0
    /// The torque of the last step after clipping, Gymnasium's `last_u` (drawn as an arrow);
    /// nil after `reset`.
    @exclusivity(unchecked) public private(set) var lastAction: Float?

    @exclusivity(unchecked) private var generator = RandomGenerator(seed: classicControlDefaultSeed)
    @exclusivity(unchecked) private var phase = EpisodePhase.needsReset
    @exclusivity(unchecked) private var observation: [Float] = [0, 0, 0]
    // Static, so immortal: handing it out with each observation costs no atomic count.
    private static let observationShape = [3]

    /// Makes a pendulum. Throws ``EnvironmentError/invalidOption(id:option:reason:)`` for the
    /// `ansi` render mode.
    public init(renderMode: RenderMode? = nil, g: Double = 10.0) throws {
        self.renderMode = try validatedImageRenderMode(renderMode, id: "Pendulum-v1")
        self.g = g
        observationSpace = .box(low: [-1, -1, Float(-maxSpeed)], high: [1, 1, Float(maxSpeed)], shape: [3], scalarType: .float32)
        actionSpace = .box(low: Float(-maxTorque), high: Float(maxTorque), shape: [1])
    }

    /// `[θ, θ̇]`, Gymnasium's `env.unwrapped.state`.
    public var state: [Double] { [theta, thetaDot] }

    /// Sets `[θ, θ̇]`. Before the first `reset`, `step` still throws, as Gymnasium's order
    /// enforcing does.
    public func setState(_ state: [Double]) throws {
        try validateState(state, count: 2, names: "theta, theta_dot", id: id)
        (theta, thetaDot) = (state[0], state[1])
        writeObservation()
    }

    /// Starts an episode with θ uniform in [−x_init, x_init) and θ̇ in [−y_init, y_init)
    /// (reset options `x_init`, default π, and `y_init`, default 1), as Gymnasium does.
    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        for key in options.keys.sorted() where key != "x_init" && key != "y_init" {
            throw EnvironmentError.invalidOption(id: id, option: key, reason: "not a reset option of \(id); it takes 'x_init' and 'y_init'")
        }
        let xInit = options["x_init"] ?? Double.pi
        let yInit = options["y_init"] ?? 1.0
        for (key, value) in [("x_init", xInit), ("y_init", yInit)] where !value.isFinite {
            throw EnvironmentError.invalidOption(id: id, option: key, reason: "\(value) is not a finite number")
        }
        if let seed { generator = RandomGenerator(seed: seed) }
        // Gymnasium samples uniform(-high, high) with high = [x_init, y_init].
        theta = generator.uniformDouble(low: -xInit, high: xInit)
        thetaDot = generator.uniformDouble(low: -yInit, high: yInit)
        lastAction = nil
        phase = .running
        writeObservation()
        return (.float32(observation, shape: Self.observationShape), Info())
    }

    public func step(_ action: Action) throws -> Step {
        guard phase == .running else { throw EnvironmentError.stepBeforeReset(id: id) }
        guard case let .float32(values, shape) = action, shape.count == 1, values.count == 1,
              values[0] >= Float(-maxTorque), values[0] <= Float(maxTorque) else {
            throw EnvironmentError.invalidAction(id: id, reason: actionSpace.violation(of: action) ?? "\(action) is not in [-2, 2]")
        }
        let u = values[0]
        lastAction = u
        // pendulum.py: `costs = angle_normalize(th) ** 2 + .1 * thdot ** 2 + .001 * (u ** 2)`,
        // where the last term is a float32 product.
        let costs = numpySquare(Pendulum.angleNormalize(theta)) + 0.1 * numpySquare(thetaDot)
            + Double(Float(0.001) * numpySquare(u))
        // `newthdot = thdot + (3 * g / (2 * l) * sin(th) + 3.0 / (m * l ** 2) * u) * dt`;
        // `3.0 / (m * l ** 2) * u` is float32.
        var newThetaDot = thetaDot + (3 * g / (2 * l) * sin(theta) + Double(Float(3.0 / (m * (l * l))) * u)) * dt
        newThetaDot = min(max(newThetaDot, -maxSpeed), maxSpeed)
        theta = theta + newThetaDot * dt
        thetaDot = newThetaDot
        writeObservation()
        return Step(observation: .float32(observation, shape: Self.observationShape), reward: -costs,
                    terminated: false, truncated: false)
    }

    /// Gymnasium's `angle_normalize`, `((x + π) % (2π)) − π`, with Python's floored modulo
    /// (the result takes the sign of the divisor).
    public static func angleNormalize(_ x: Double) -> Double {
        let period = 2 * Double.pi
        var r = (x + Double.pi).truncatingRemainder(dividingBy: period)
        if r != 0 && r < 0 { r += period }
        return r - Double.pi
    }

    private func writeObservation() {
        observation.withUnsafeMutableBufferPointer { buffer in
            var sine = 0.0, cosine = 0.0
            srl_sincos(theta, &sine, &cosine)
            buffer[0] = Float(cosine)
            buffer[1] = Float(sine)
            buffer[2] = Float(thetaDot)
        }
    }
}
