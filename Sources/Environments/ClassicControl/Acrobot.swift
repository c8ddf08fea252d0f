import CLibm
import Randomness

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sutton's (1996) acrobot, with Gymnasium's exact dynamics
/// (`gymnasium/envs/classic_control/acrobot.py`, Gymnasium 1.x): the "book" equations of
/// motion, integrated with one fourth-order Runge–Kutta step of 0.2 s, no torque noise.
///
/// Two links hang from a pivot; the torque on the joint between them is −1, 0 or +1
/// (actions 0, 1, 2). The reward is −1 per step and 0 on the terminating step, reached when
/// the free end rises more than one link length above the pivot. The observation is
/// `[cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]` in Float32; the state `[θ1, θ2, θ̇1, θ̇2]`
/// is kept in Double with the angles wrapped to [−π, π] and the speeds bounded.
public final class Acrobot: StatefulEnvironment {
    /// Acrobot-v1: 500 steps, solved at −100 (`gymnasium/envs/__init__.py`).
    public static let specs: [EnvironmentSpec] = [
        EnvironmentSpec(
            id: "Acrobot-v1", rewardThreshold: -100, maxEpisodeSteps: 500,
            summary: "swing a two-link arm's tip above a line by torquing its elbow (Gymnasium's Acrobot)"
        ) { options in
            try Acrobot(renderMode: try options.renderMode())
        },
    ]

    public let id = "Acrobot-v1"
    /// `.rgbArray` or nil; Acrobot has no text rendering.
    public let renderMode: RenderMode?
    /// Box(−high, high) with high = (1, 1, 1, 1, 4π, 9π) in Float32.
    public let observationSpace: Space
    /// Discrete(3): torque −1, 0, +1 on the joint between the links.
    public let actionSpace: Space = .discrete(3)

    /// Integration time step (s).
    public let dt = 0.2
    /// Length of the first link (m).
    public let linkLength1 = 1.0
    /// Length of the second link (m).
    public let linkLength2 = 1.0
    /// Mass of the first link (kg).
    public let linkMass1 = 1.0
    /// Mass of the second link (kg).
    public let linkMass2 = 1.0
    /// Distance from the pivot to the first link's centre of mass (m).
    public let linkCenterOfMass1 = 0.5
    /// Distance from the joint to the second link's centre of mass (m).
    public let linkCenterOfMass2 = 0.5
    /// Moment of inertia of either link.
    public let linkMomentOfInertia = 1.0
    /// Bound on |θ̇1|: 4π.
    public let maxVelocity1 = 4 * Double.pi
    /// Bound on |θ̇2|: 9π.
    public let maxVelocity2 = 9 * Double.pi
    /// The torque of each action.
    public let availableTorques: [Double] = [-1, 0, 1]

    /// Angle of the first link from hanging straight down (rad).
    @exclusivity(unchecked) public private(set) var theta1 = 0.0
    /// Angle of the second link relative to the first (rad).
    @exclusivity(unchecked) public private(set) var theta2 = 0.0
    /// Angular velocity of the first link (rad/s).
    @exclusivity(unchecked) public private(set) var theta1Dot = 0.0
    /// Angular velocity of the second link relative to the first (rad/s).
    @exclusivity(unchecked) public private(set) var theta2Dot = 0.0
    /// The torque of the last action, for drawing; nil before the first step of an episode.
    @exclusivity(unchecked) public private(set) var lastTorque: Double?

    @exclusivity(unchecked) private var generator = RandomGenerator(seed: classicControlDefaultSeed)
    @exclusivity(unchecked) private var phase = EpisodePhase.needsReset
    @exclusivity(unchecked) private var observation: [Float] = [0, 0, 0, 0, 0, 0]
    // Static, so immortal: handing it out with each observation costs no atomic count.
    private static let observationShape = [6]

    /// Makes an acrobot. Throws ``EnvironmentError/invalidOption(id:option:reason:)`` for the
    /// `ansi` render mode.
    public init(renderMode: RenderMode? = nil) throws {
        self.renderMode = try validatedImageRenderMode(renderMode, id: "Acrobot-v1")
        let high: [Float] = [1, 1, 1, 1, Float(maxVelocity1), Float(maxVelocity2)]
        observationSpace = .box(low: high.map { -$0 }, high: high, shape: [6], scalarType: .float32)
    }

    /// `[θ1, θ2, θ̇1, θ̇2]`, Gymnasium's `env.unwrapped.state`.
    public var state: [Double] { [theta1, theta2, theta1Dot, theta2Dot] }

    /// Sets `[θ1, θ2, θ̇1, θ̇2]`. The episode continues from it, even after a termination;
    /// before the first `reset`, `step` still throws, as Gymnasium's order enforcing does.
    public func setState(_ state: [Double]) throws {
        try validateState(state, count: 4, names: "theta1, theta2, theta1_dot, theta2_dot", id: id)
        (theta1, theta2, theta1Dot, theta2Dot) = (state[0], state[1], state[2], state[3])
        if phase == .terminated { phase = .running }
        writeObservation()
    }

    /// Starts an episode with every state variable uniform in [low, high) (reset options
    /// `low` and `high`, default ±0.1), rounded to Float32 as Gymnasium's `astype(np.float32)`.
    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        let (low, high) = try resetBounds(options, id: id, default: (-0.1, 0.1))
        if let seed { generator = RandomGenerator(seed: seed) }
        theta1 = Double(Float(generator.uniformDouble(low: low, high: high)))
        theta2 = Double(Float(generator.uniformDouble(low: low, high: high)))
        theta1Dot = Double(Float(generator.uniformDouble(low: low, high: high)))
        theta2Dot = Double(Float(generator.uniformDouble(low: low, high: high)))
        lastTorque = nil
        phase = .running
        writeObservation()
        return (.float32(observation, shape: Self.observationShape), Info())
    }

    public func step(_ action: Action) throws -> Step {
        guard phase == .running else {
            throw phase == .needsReset ? EnvironmentError.stepBeforeReset(id: id) : EnvironmentError.stepAfterDone(id: id)
        }
        guard case let .discrete(index) = action, (0...2).contains(index) else {
            throw EnvironmentError.invalidAction(id: id, reason: actionSpace.violation(of: action) ?? "\(action) is not 0, 1 or 2")
        }
        let torque = availableTorques[index]
        lastTorque = torque
        let next = rungeKutta4(State(theta1, theta2, theta1Dot, theta2Dot), torque: torque)
        theta1 = wrap(next.theta1, -Double.pi, Double.pi)
        theta2 = wrap(next.theta2, -Double.pi, Double.pi)
        theta1Dot = min(max(next.theta1Dot, -maxVelocity1), maxVelocity1)
        theta2Dot = min(max(next.theta2Dot, -maxVelocity2), maxVelocity2)
        let terminated = -cos(theta1) - cos(theta2 + theta1) > 1.0
        if terminated { phase = .terminated }
        writeObservation()
        return Step(observation: .float32(observation, shape: Self.observationShape), reward: terminated ? 0 : -1,
                    terminated: terminated, truncated: false)
    }

    /// The state as a value, for the integrator.
    private struct State {
        var theta1, theta2, theta1Dot, theta2Dot: Double
        init(_ theta1: Double, _ theta2: Double, _ theta1Dot: Double, _ theta2Dot: Double) {
            (self.theta1, self.theta2, self.theta1Dot, self.theta2Dot) = (theta1, theta2, theta1Dot, theta2Dot)
        }
        /// `self + scale * rate`, element by element, as NumPy's `y0 + dt2 * k1`.
        func advanced(by rate: State, scale: Double) -> State {
            State(theta1 + scale * rate.theta1, theta2 + scale * rate.theta2,
                  theta1Dot + scale * rate.theta1Dot, theta2Dot + scale * rate.theta2Dot)
        }
    }

    /// Gymnasium's `rk4(self._dsdt, s_augmented, [0, self.dt])`: one classical Runge–Kutta
    /// step. The torque rides along as a fifth state variable with zero derivative there, so
    /// it stays constant here.
    private func rungeKutta4(_ y0: State, torque: Double) -> State {
        let dt2 = dt / 2.0
        let k1 = derivative(y0, torque: torque)
        let k2 = derivative(y0.advanced(by: k1, scale: dt2), torque: torque)
        let k3 = derivative(y0.advanced(by: k2, scale: dt2), torque: torque)
        let k4 = derivative(y0.advanced(by: k3, scale: dt), torque: torque)
        let scale = dt / 6.0
        // `y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)`, summed left to right.
        func combine(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Double { a + 2 * b + 2 * c + d }
        return State(
            y0.theta1 + scale * combine(k1.theta1, k2.theta1, k3.theta1, k4.theta1),
            y0.theta2 + scale * combine(k1.theta2, k2.theta2, k3.theta2, k4.theta2),
            y0.theta1Dot + scale * combine(k1.theta1Dot, k2.theta1Dot, k3.theta1Dot, k4.theta1Dot),
            y0.theta2Dot + scale * combine(k1.theta2Dot, k2.theta2Dot, k3.theta2Dot, k4.theta2Dot))
    }

    /// Gymnasium's `_dsdt` with `book_or_nips = "book"`, term for term (its `x**2` is
    /// ``numpySquare(_:)``).
    private func derivative(_ s: State, torque a: Double) -> State {
        let m1 = linkMass1, m2 = linkMass2, l1 = linkLength1
        let lc1 = linkCenterOfMass1, lc2 = linkCenterOfMass2
        let i1 = linkMomentOfInertia, i2 = linkMomentOfInertia
        let g = 9.8
        let (theta1, theta2, dtheta1, dtheta2) = (s.theta1, s.theta2, s.theta1Dot, s.theta2Dot)
        var sinTheta2 = 0.0, cosTheta2 = 0.0
        srl_sincos(theta2, &sinTheta2, &cosTheta2)
        let d1 = m1 * (lc1 * lc1) + m2 * ((l1 * l1) + (lc2 * lc2) + 2 * l1 * lc2 * cosTheta2) + i1 + i2
        let d2 = m2 * ((lc2 * lc2) + l1 * lc2 * cosTheta2) + i2
        let phi2 = m2 * lc2 * g * cos(theta1 + theta2 - Double.pi / 2.0)
        let phi1 = -m2 * l1 * lc2 * numpySquare(dtheta2) * sinTheta2
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sinTheta2
            + (m1 * lc1 + m2 * l1) * g * cos(theta1 - Double.pi / 2)
            + phi2
        let ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * numpySquare(dtheta1) * sinTheta2 - phi2)
            / (m2 * (lc2 * lc2) + i2 - numpySquare(d2) / d1)
        let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return State(dtheta1, dtheta2, ddtheta1, ddtheta2)
    }

    /// Gymnasium's `wrap`: shifts `x` by whole turns into [low, high].
    private func wrap(_ x: Double, _ low: Double, _ high: Double) -> Double {
        let turn = high - low
        var x = x
        while x > high { x = x - turn }
        while x < low { x = x + turn }
        return x
    }

    private func writeObservation() {
        observation.withUnsafeMutableBufferPointer { buffer in
            var sine = 0.0, cosine = 0.0
            srl_sincos(theta1, &sine, &cosine)
            buffer[0] = Float(cosine)
            buffer[1] = Float(sine)
            srl_sincos(theta2, &sine, &cosine)
            buffer[2] = Float(cosine)
            buffer[3] = Float(sine)
            buffer[4] = Float(theta1Dot)
            buffer[5] = Float(theta2Dot)
        }
    }
}
