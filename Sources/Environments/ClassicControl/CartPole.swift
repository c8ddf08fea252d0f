import CLibm
import Randomness

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cart-pole balancing task of Barto, Sutton and Anderson (1983), with Gymnasium's exact
/// dynamics (`gymnasium/envs/classic_control/cartpole.py`, Gymnasium 1.x).
///
/// A pole is hinged on a cart moving along a frictionless track; each step pushes the cart
/// left (action 0) or right (action 1) with a fixed force. The physics runs in Double, as
/// Gymnasium's float64 NumPy state, and the observation `[x, ẋ, θ, θ̇]` is its Float32 cast.
/// The reward is 1 for every step, the terminating one included (or, with
/// `suttonBartoReward`, 0 per step and −1 on termination). The episode terminates when
/// |x| > 2.4 or |θ| > 12°.
public final class CartPole: StatefulEnvironment {
    /// How the state is advanced over one time step of `tau` seconds.
    public enum Integrator: String, Sendable, CaseIterable {
        /// Positions advance with the old velocities (Gymnasium's default).
        case euler
        /// Velocities advance first and positions use the new ones.
        case semiImplicitEuler = "semi-implicit euler"
    }

    /// CartPole-v0 (200 steps, solved at 195) and CartPole-v1 (500 steps, solved at 475),
    /// as registered in `gymnasium/envs/__init__.py`.
    public static let specs: [EnvironmentSpec] = [
        spec(id: "CartPole-v0", rewardThreshold: 195, maxEpisodeSteps: 200),
        spec(id: "CartPole-v1", rewardThreshold: 475, maxEpisodeSteps: 500),
    ]

    private static func spec(id: String, rewardThreshold: Double, maxEpisodeSteps: Int) -> EnvironmentSpec {
        EnvironmentSpec(
            id: id, rewardThreshold: rewardThreshold, maxEpisodeSteps: maxEpisodeSteps,
            options: [
                EnvironmentOptionSpec("sutton_barto_reward", default: "false",
                                      help: "reward 0 per step and -1 on termination, as the original Sutton-Barto code"),
                EnvironmentOptionSpec("kinematics_integrator", default: "euler",
                                      help: "'euler' (Gymnasium's default) or 'semi-implicit euler'"),
            ],
            summary: "balance a pole on a cart by pushing it left or right (Gymnasium's CartPole)"
        ) { options in
            let name = options.string("kinematics_integrator", default: Integrator.euler.rawValue)
            guard let integrator = Integrator(rawValue: name) else {
                throw EnvironmentError.invalidOption(id: id, option: "kinematics_integrator", reason:
                    "'\(name)' is not one of \(Integrator.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
            }
            return try CartPole(id: id, renderMode: try options.renderMode(),
                                suttonBartoReward: try options.bool("sutton_barto_reward", default: false),
                                integrator: integrator)
        }
    }

    public let id: String
    /// `.rgbArray` or nil; CartPole has no text rendering.
    public let renderMode: RenderMode?
    /// Gymnasium's `Box(-high, high)` with high = (2·xThreshold, ∞, 2·thetaThresholdRadians, ∞)
    /// in Float32 (Gymnasium 1.x uses `np.inf` for the unbounded velocities).
    public let observationSpace: Space
    /// Discrete(2): 0 pushes the cart left, 1 pushes it right.
    public let actionSpace: Space = .discrete(2)

    /// Gravitational acceleration (m/s²).
    public let gravity = 9.8
    /// Mass of the cart (kg).
    public let massCart = 1.0
    /// Mass of the pole (kg).
    public let massPole = 0.1
    /// Cart and pole together (kg).
    public let totalMass: Double
    /// Half the pole's length (m): Gymnasium's `length`, the distance to the pole's centre of mass.
    public let length = 0.5
    /// `massPole * length`.
    public let poleMassLength: Double
    /// The magnitude of the push (N).
    public let forceMag = 10.0
    /// Seconds between state updates.
    public let tau = 0.02
    /// |θ| beyond which the episode terminates: 12° computed as Gymnasium does, `12 * 2 * π / 360`.
    public let thetaThresholdRadians = 12 * 2 * Double.pi / 360
    /// |x| beyond which the episode terminates (m).
    public let xThreshold = 2.4
    /// How the state is advanced.
    public let integrator: Integrator
    /// Whether rewards follow the original Sutton-Barto code (0 per step, −1 on termination).
    public let suttonBartoReward: Bool

    /// Cart position (m).
    public var x: Double { dynamics.x }
    /// Cart velocity (m/s).
    public var xDot: Double { dynamics.xDot }
    /// Pole angle from upright (rad), positive leaning right.
    public var theta: Double { dynamics.theta }
    /// Pole angular velocity (rad/s).
    public var thetaDot: Double { dynamics.thetaDot }

    /// Everything a step changes, in one stored property: each access to a class's stored
    /// `var` costs a dynamic exclusivity check, and a step should pay for one, not ten.
    private struct Dynamics {
        var x = 0.0, xDot = 0.0, theta = 0.0, thetaDot = 0.0
        // Rewritten in place each step: no allocation while the caller drops the previous step.
        var observation: [Float] = [0, 0, 0, 0]

        mutating func set(_ x: Double, _ xDot: Double, _ theta: Double, _ thetaDot: Double) {
            (self.x, self.xDot, self.theta, self.thetaDot) = (x, xDot, theta, thetaDot)
            writeObservation()
        }

        /// One step of `cartpole.py`, operation for operation, so the Double results are
        /// bit-identical to NumPy's float64 ones. Returns whether the episode terminated.
        mutating func advance(force: Double, _ p: CartPole) -> Bool {
            var sinTheta = 0.0, cosTheta = 0.0
            srl_sincos(theta, &sinTheta, &cosTheta)
            let temp = (force + p.poleMassLength * (thetaDot * thetaDot) * sinTheta) / p.totalMass
            let thetaAcc = (p.gravity * sinTheta - cosTheta * temp)
                / (p.length * (4.0 / 3.0 - p.massPole * (cosTheta * cosTheta) / p.totalMass))
            let xAcc = temp - p.poleMassLength * thetaAcc * cosTheta / p.totalMass
            switch p.integrator {
            case .euler:
                x = x + p.tau * xDot
                xDot = xDot + p.tau * xAcc
                theta = theta + p.tau * thetaDot
                thetaDot = thetaDot + p.tau * thetaAcc
            case .semiImplicitEuler:
                xDot = xDot + p.tau * xAcc
                x = x + p.tau * xDot
                thetaDot = thetaDot + p.tau * thetaAcc
                theta = theta + p.tau * thetaDot
            }
            writeObservation()
            return x < -p.xThreshold || x > p.xThreshold || theta < -p.thetaThresholdRadians || theta > p.thetaThresholdRadians
        }

        mutating func writeObservation() {
            observation.withUnsafeMutableBufferPointer { buffer in
                buffer[0] = Float(x)
                buffer[1] = Float(xDot)
                buffer[2] = Float(theta)
                buffer[3] = Float(thetaDot)
            }
        }
    }

    // Environments are used from one thread at a time and never lend these properties to
    // overlapping accesses, so the runtime exclusivity checks (a sixth of a CartPole step
    // when measured) are switched off for them; the same holds in the other classic-control
    // environments and TimeLimit.
    @exclusivity(unchecked) private var dynamics = Dynamics()
    @exclusivity(unchecked) private var generator = RandomGenerator(seed: classicControlDefaultSeed)
    @exclusivity(unchecked) private var phase = EpisodePhase.needsReset
    // A constant global array is emitted statically and is immortal, so handing it out
    // with each observation skips the atomic reference count.
    private static let observationShape = [4]

    /// Makes a cart-pole. Throws ``EnvironmentError/invalidOption(id:option:reason:)`` for the
    /// `ansi` render mode, which CartPole lacks.
    public init(id: String = "CartPole-v1", renderMode: RenderMode? = nil, suttonBartoReward: Bool = false,
                integrator: Integrator = .euler) throws {
        self.id = id
        self.renderMode = try validatedImageRenderMode(renderMode, id: id)
        self.suttonBartoReward = suttonBartoReward
        self.integrator = integrator
        totalMass = massPole + massCart
        poleMassLength = massPole * length
        let high: [Float] = [Float(xThreshold * 2), .infinity, Float(thetaThresholdRadians * 2), .infinity]
        observationSpace = .box(low: high.map { -$0 }, high: high, shape: [4], scalarType: .float32)
    }

    /// `[x, ẋ, θ, θ̇]`, Gymnasium's `env.unwrapped.state`.
    public var state: [Double] { [x, xDot, theta, thetaDot] }

    /// Sets `[x, ẋ, θ, θ̇]`. The episode continues from it, even after a termination; before
    /// the first `reset`, `step` still throws, as Gymnasium's order enforcing does.
    public func setState(_ state: [Double]) throws {
        try validateState(state, count: 4, names: "x, x_dot, theta, theta_dot", id: id)
        dynamics.set(state[0], state[1], state[2], state[3])
        if phase == .terminated { phase = .running }
    }

    /// Starts an episode with every state variable uniform in [low, high) (reset options
    /// `low` and `high`, default ±0.05). Reset values differ from Gymnasium's for the same
    /// seed: the generators differ.
    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        let (low, high) = try resetBounds(options, id: id, default: (-0.05, 0.05))
        if let seed { generator = RandomGenerator(seed: seed) }
        let x = generator.uniformDouble(low: low, high: high)
        let xDot = generator.uniformDouble(low: low, high: high)
        let theta = generator.uniformDouble(low: low, high: high)
        let thetaDot = generator.uniformDouble(low: low, high: high)
        dynamics.set(x, xDot, theta, thetaDot)
        phase = .running
        return (.float32(dynamics.observation, shape: Self.observationShape), Info())
    }

    public func step(_ action: Action) throws -> Step {
        guard phase == .running else {
            throw phase == .needsReset ? EnvironmentError.stepBeforeReset(id: id) : EnvironmentError.stepAfterDone(id: id)
        }
        guard case let .discrete(push) = action, push == 0 || push == 1 else {
            throw EnvironmentError.invalidAction(id: id, reason: actionSpace.violation(of: action) ?? "\(action) is not 0 or 1")
        }
        let terminated = dynamics.advance(force: push == 1 ? forceMag : -forceMag, self)
        let reward: Double
        if terminated {
            phase = .terminated
            reward = suttonBartoReward ? -1 : 1
        } else {
            reward = suttonBartoReward ? 0 : 1
        }
        return Step(observation: .float32(dynamics.observation, shape: Self.observationShape), reward: reward,
                    terminated: terminated, truncated: false)
    }
}
