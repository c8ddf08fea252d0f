import Randomness

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// N CartPole copies in structure-of-arrays form, stepped by one SIMD batch step.
///
/// The dynamics are Gymnasium's `CartPoleEnv` (gymnasium/envs/classic_control/cartpole.py,
/// Euler integration, float64 physics, float32 observations): the same constants, the same
/// order of operations, and the same reset distribution as the scalar CartPole, so a copy
/// started from a given state follows the scalar environment step for step. sin and cos are
/// evaluated with Taylor polynomials through x¹⁵/x¹⁶ for |θ| ≤ 0.5 — exact to double
/// rounding there (the truncation error is below 1e-19), and |θ| stays under 0.21 + one
/// step unless a state is set by hand — and with libm for lanes outside that range.
///
/// Every copy resets automatically in the step its episode ends, drawing its new state from
/// its own random generator; the observation it ended in is kept in ``finalObservations``.
/// The fast interface is ``step(actions:)-(UnsafeBufferPointer<Int32>)`` followed by reading
/// ``observations``, ``rewards``, ``terminated``, ``truncated`` and ``finalObservations``;
/// the ``VectorEnvironment`` conformance wraps it for generic code.
public final class VectorCartPole: VectorEnvironment {
    /// Gymnasium's constants (cartpole.py, `CartPoleEnv.__init__`).
    public static let gravity = 9.8
    public static let massCart = 1.0
    public static let massPole = 0.1
    public static let totalMass = massPole + massCart
    /// Half the pole's length.
    public static let length = 0.5
    public static let poleMassLength = massPole * length
    public static let forceMag = 10.0
    /// Seconds between state updates.
    public static let tau = 0.02
    /// 12 degrees, written as Gymnasium computes it so the bound is the same double.
    public static let thetaThresholdRadians = 12 * 2 * Double.pi / 360
    public static let xThreshold = 2.4
    /// The lanes of the batch step: 8 doubles, two AVX-512 or four SSE2 registers.
    static let width = 8

    public let count: Int
    /// The step limit after which an episode is truncated (500 as CartPole-v1, 200 as
    /// v0), or nil for none.
    public let maxEpisodeSteps: Int?
    /// Gymnasium's `sutton_barto_reward`: 0 per step and -1 on termination instead of 1 per
    /// step.
    public let suttonBartoReward: Bool

    /// The observation of every copy after the last step or reset, `[count, 4]` row-major:
    /// x, ẋ, θ, θ̇ as float32, Gymnasium's order. Rows of copies reset in the last step hold
    /// the first observation of their new episode.
    @exclusivity(unchecked) public private(set) var observations: [Float]
    /// The reward of each copy's last transition.
    @exclusivity(unchecked) public private(set) var rewards: [Double]
    /// Copies whose episode reached a terminal state in the last step.
    @exclusivity(unchecked) public private(set) var terminated: [Bool]
    /// Copies whose episode hit ``maxEpisodeSteps`` in the last step (may coincide with
    /// `terminated`, as Gymnasium's `TimeLimit` reports both).
    @exclusivity(unchecked) public private(set) var truncated: [Bool]
    /// `[count, 4]`: for copies whose episode ended in the last step, the observation it
    /// ended in; rows of other copies are stale.
    @exclusivity(unchecked) public private(set) var finalObservations: [Float]
    /// Steps taken in each copy's current episode.
    public var elapsedSteps: [Int] { (0..<count).map { Int(elapsed[$0]) } }

    @exclusivity(unchecked) private var generators: [RandomGenerator]
    private let padded: Int
    // Structure of arrays, `padded` doubles each, 64-byte aligned: x, ẋ, θ, θ̇, the force
    // of this step's action, and the steps of the current episode (a double, so the
    // truncation test is a vector comparison).
    private let storage: UnsafeMutableRawPointer
    private var x: UnsafeMutablePointer<Double> { storage.assumingMemoryBound(to: Double.self) }
    private var xDot: UnsafeMutablePointer<Double> { x + padded }
    private var theta: UnsafeMutablePointer<Double> { x + 2 * padded }
    private var thetaDot: UnsafeMutablePointer<Double> { x + 3 * padded }
    private var force: UnsafeMutablePointer<Double> { x + 4 * padded }
    private var elapsed: UnsafeMutablePointer<Double> { x + 5 * padded }
    @exclusivity(unchecked) private var hasReset = false
    @exclusivity(unchecked) private var wasSeeded = false
    @exclusivity(unchecked) private var actionScratch: [Int32]
    @exclusivity(unchecked) private var doneIndices: [Int]

    /// `count` copies; `maxEpisodeSteps` 500 gives CartPole-v1, 200 CartPole-v0.
    public init(count: Int, maxEpisodeSteps: Int? = 500, suttonBartoReward: Bool = false) throws {
        guard count >= 1 else {
            throw EnvironmentError.invalidOption(id: "VectorCartPole", option: "count", reason: "needs at least one copy, got \(count)")
        }
        if let limit = maxEpisodeSteps, limit <= 0 {
            throw EnvironmentError.invalidOption(id: "VectorCartPole", option: "max_episode_steps", reason: "must be positive, got \(limit)")
        }
        self.count = count
        self.maxEpisodeSteps = maxEpisodeSteps
        self.suttonBartoReward = suttonBartoReward
        padded = (count + Self.width - 1) / Self.width * Self.width
        storage = UnsafeMutableRawPointer.allocate(byteCount: 6 * padded * MemoryLayout<Double>.stride, alignment: 64)
        storage.initializeMemory(as: Double.self, repeating: 0, count: 6 * padded)
        observations = Array(repeating: 0, count: 4 * count)
        finalObservations = Array(repeating: 0, count: 4 * count)
        rewards = Array(repeating: 0, count: count)
        terminated = Array(repeating: false, count: count)
        truncated = Array(repeating: false, count: count)
        generators = (0..<count).map { RandomGenerator(seed: UInt64($0)) }
        actionScratch = Array(repeating: 0, count: count)
        doneIndices = Array(repeating: 0, count: count)
    }

    deinit { storage.deallocate() }

    public var id: String { maxEpisodeSteps == 200 ? "CartPole-v0" : "CartPole-v1" }

    /// Gymnasium's CartPole observation space: ±(2 × 2.4, ∞, 2 × 12°, ∞).
    public var singleObservationSpace: Space {
        let high: [Float] = [Float(Self.xThreshold * 2), .infinity, Float(Self.thetaThresholdRadians * 2), .infinity]
        return .box(low: high.map { -$0 }, high: high, shape: [4], scalarType: .float32)
    }

    /// Push left (0) or right (1).
    public var singleActionSpace: Space { .discrete(2) }

    // MARK: State

    /// Copy `copy`'s physical state (x, ẋ, θ, θ̇), as the scalar CartPole's `state`.
    public func state(ofCopy copy: Int) -> [Double] {
        precondition(copy >= 0 && copy < count, "VectorCartPole.state(ofCopy:): copy \(copy) is outside 0..<\(count)")
        return [x[copy], xDot[copy], theta[copy], thetaDot[copy]]
    }

    /// Sets copy `copy`'s physical state; its next step starts from it. Throws
    /// ``EnvironmentError/invalidState(id:reason:)`` for a copy out of range or a state that
    /// is not four finite numbers.
    public func setState(_ state: [Double], ofCopy copy: Int) throws {
        guard copy >= 0 && copy < count else {
            throw EnvironmentError.invalidState(id: id, reason: "copy \(copy) is outside 0..<\(count)")
        }
        guard state.count == 4, state.allSatisfy(\.isFinite) else {
            throw EnvironmentError.invalidState(id: id, reason:
                "expected 4 finite values (x, x_dot, theta, theta_dot), got \(state)")
        }
        (x[copy], xDot[copy], theta[copy], thetaDot[copy]) = (state[0], state[1], state[2], state[3])
        writeObservation(of: copy)
    }

    // MARK: Reset and step

    public func reset(seed: UInt64?) throws -> (observations: [Observation], infos: [Info]) {
        resetAll(seed: seed)
        return (observationValues(), Array(repeating: Info(), count: count))
    }

    /// Resets every copy (the seeding rule of ``VectorEnvironment``: copy i gets `seed + i`)
    /// without building per-copy observation values.
    public func resetAll(seed: UInt64?) {
        if let base = seed ?? (wasSeeded ? nil : 0) {
            for i in 0..<count { generators[i] = RandomGenerator(seed: base &+ UInt64(i)) }
        }
        wasSeeded = true
        resetCopies(nil)
        hasReset = true
    }

    /// Steps every copy with `actions[i]` ∈ {0, 1} and auto-resets those whose episode
    /// ends. Throws, moving no copy, for a wrong count or an action other than 0 or 1.
    public func step(actions: UnsafeBufferPointer<Int32>) throws {
        guard hasReset else { throw EnvironmentError.stepBeforeReset(id: id) }
        guard actions.count == count else {
            throw EnvironmentError.invalidAction(id: id, reason: "got \(actions.count) actions for \(count) copies; pass exactly one per copy")
        }
        var invalid: UInt32 = 0
        for a in actions { invalid |= UInt32(bitPattern: a) & ~1 }
        if invalid != 0 {
            let copy = actions.firstIndex { $0 != 0 && $0 != 1 }!
            throw EnvironmentError.invalidAction(id: id, reason:
                "copy \(copy): action \(actions[copy]) is outside Discrete(2): use 0 (push left) or 1 (push right)")
        }
        let force = self.force
        for i in 0..<count { force[i] = actions[i] == 1 ? Self.forceMag : -Self.forceMag }
        let doneCount = integrate()
        if doneCount > 0 {
            doneIndices.withUnsafeBufferPointer { resetCopies(UnsafeBufferPointer(rebasing: $0[0..<doneCount])) }
        }
    }

    /// ``step(actions:)-(UnsafeBufferPointer<Int32>)`` for an array.
    public func step(actions: [Int32]) throws {
        try actions.withUnsafeBufferPointer { try step(actions: $0) }
    }

    public func step(_ actions: [Action]) throws -> VectorStep {
        guard hasReset else { throw EnvironmentError.stepBeforeReset(id: id) }
        try validate(actions)
        for (i, action) in actions.enumerated() { actionScratch[i] = Int32(action.discreteValue!) }
        try actionScratch.withUnsafeBufferPointer { try step(actions: $0) }
        let done = zip(terminated, truncated).map { $0 || $1 }
        let finals: [Observation?] = (0..<count).map { i in
            done[i] ? .float32(Array(finalObservations[4 * i ..< 4 * i + 4]), shape: [4]) : nil
        }
        return VectorStep(observations: observationValues(), rewards: rewards, terminated: terminated, truncated: truncated,
                          finalObservations: finals, finalInfos: done.map { $0 ? Info() : nil },
                          infos: Array(repeating: Info(), count: count))
    }

    /// Every copy's observation as a value, for the generic interface.
    private func observationValues() -> [Observation] {
        (0..<count).map { i in .float32(Array(observations[4 * i ..< 4 * i + 4]), shape: [4]) }
    }

    /// Resets every copy in `indices` (all with `count` nil: every copy), drawing its start
    /// state as Gymnasium does: each of the four values uniform in [-0.05, 0.05), float64.
    private func resetCopies(_ indices: UnsafeBufferPointer<Int>?) {
        let (x, xDot, theta, thetaDot) = (self.x, self.xDot, self.theta, self.thetaDot)
        let elapsed = self.elapsed
        generators.withUnsafeMutableBufferPointer { generators in
        observations.withUnsafeMutableBufferPointer { observations in
            func reset(_ i: Int) {
                x[i] = Self.resetValue(&generators[i])
                xDot[i] = Self.resetValue(&generators[i])
                theta[i] = Self.resetValue(&generators[i])
                thetaDot[i] = Self.resetValue(&generators[i])
                elapsed[i] = 0
                observations[4 &* i] = Float(x[i])
                observations[4 &* i &+ 1] = Float(xDot[i])
                observations[4 &* i &+ 2] = Float(theta[i])
                observations[4 &* i &+ 3] = Float(thetaDot[i])
            }
            if let indices { for i in indices { reset(i) } } else { for i in 0..<count { reset(i) } }
        }}
    }

    @inline(__always)
    static func resetValue(_ generator: inout RandomGenerator) -> Double {
        -0.05 + 0.1 * generator.uniformDouble()
    }

    private func writeObservation(of i: Int) {
        observations[4 * i] = Float(x[i])
        observations[4 * i + 1] = Float(xDot[i])
        observations[4 * i + 2] = Float(theta[i])
        observations[4 * i + 3] = Float(thetaDot[i])
    }

    // MARK: The SIMD kernel

    /// One Euler step of every lane (see ``euler(_:_:_:_:_:)``), then the outputs: observations,
    /// rewards, termination and truncation flags, step counts, final observations, and the
    /// indices of copies to reset, whose number it returns.
    ///
    /// No fused multiply-adds: without `-target-cpu` they become libm calls. Flags are built
    /// from double comparisons turned into a lane bitmask arithmetically, since integer
    /// SIMD masks scalarize (shared/anchors/swift-probe.md, pitfall 3).
    private func integrate() -> Int {
        typealias V = SIMD8<Double>
        let xLimit = V(repeating: Self.xThreshold), thetaLimit = V(repeating: Self.thetaThresholdRadians)
        let stepLimit = V(repeating: maxEpisodeSteps.map(Double.init) ?? .infinity)
        let stepReward = V(repeating: suttonBartoReward ? 0 : 1), terminalReward = V(repeating: suttonBartoReward ? -1 : 1)
        let laneBits = V(1, 2, 4, 8, 16, 32, 64, 128)
        let (x, xDot, theta, thetaDot, force, elapsed) = (self.x, self.xDot, self.theta, self.thetaDot, self.force, self.elapsed)
        let count = self.count
        var doneCount = 0
        observations.withUnsafeMutableBufferPointer { observations in
        finalObservations.withUnsafeMutableBufferPointer { finals in
        rewards.withUnsafeMutableBufferPointer { rewards in
        terminated.withUnsafeMutableBufferPointer { terminated in
        truncated.withUnsafeMutableBufferPointer { truncated in
        doneIndices.withUnsafeMutableBufferPointer { doneIndices in
            let observations = observations.baseAddress!, finals = finals.baseAddress!, rewards = rewards.baseAddress!
            let terminated = UnsafeMutableRawPointer(terminated.baseAddress!)
            let truncated = UnsafeMutableRawPointer(truncated.baseAddress!)
            var i = 0
            while i < count {
                let xv = UnsafeRawPointer(x + i).load(as: V.self)
                let xDotv = UnsafeRawPointer(xDot + i).load(as: V.self)
                let thetav = UnsafeRawPointer(theta + i).load(as: V.self)
                let thetaDotv = UnsafeRawPointer(thetaDot + i).load(as: V.self)
                let forcev = UnsafeRawPointer(force + i).load(as: V.self)
                let (newX, newXDot, newTheta, newThetaDot) = Self.euler(xv, xDotv, thetav, thetaDotv, forcev)
                UnsafeMutableRawPointer(x + i).storeBytes(of: newX, as: V.self)
                UnsafeMutableRawPointer(xDot + i).storeBytes(of: newXDot, as: V.self)
                UnsafeMutableRawPointer(theta + i).storeBytes(of: newTheta, as: V.self)
                UnsafeMutableRawPointer(thetaDot + i).storeBytes(of: newThetaDot, as: V.self)
                let steps: V = UnsafeRawPointer(elapsed + i).load(as: V.self) + V(repeating: 1)
                UnsafeMutableRawPointer(elapsed + i).storeBytes(of: steps, as: V.self)
                let isTerminal = (newX .< -xLimit) .| (newX .> xLimit) .| (newTheta .< -thetaLimit) .| (newTheta .> thetaLimit)
                let isTruncated = steps .>= stepLimit
                let reward = stepReward.replacing(with: terminalReward, where: isTerminal)
                let terminalBits = Int(V(repeating: 0).replacing(with: laneBits, where: isTerminal).sum())
                let truncatedBits = Int(V(repeating: 0).replacing(with: laneBits, where: isTruncated).sum())
                let ox = SIMD8<Float>(newX), oxDot = SIMD8<Float>(newXDot)
                let otheta = SIMD8<Float>(newTheta), othetaDot = SIMD8<Float>(newThetaDot)
                let lanes = min(8, count &- i)
                if lanes == 8 {
                    UnsafeMutableRawPointer(rewards + i).storeBytes(of: reward, as: V.self)
                    terminated.storeBytes(of: Self.laneBytes[terminalBits], toByteOffset: i, as: UInt64.self)
                    truncated.storeBytes(of: Self.laneBytes[truncatedBits], toByteOffset: i, as: UInt64.self)
                } else {
                    for lane in 0..<lanes {
                        rewards[i &+ lane] = reward[lane]
                        terminated.storeBytes(of: terminalBits >> lane & 1 == 1, toByteOffset: i &+ lane, as: Bool.self)
                        truncated.storeBytes(of: truncatedBits >> lane & 1 == 1, toByteOffset: i &+ lane, as: Bool.self)
                    }
                }
                for lane in 0..<lanes {
                    let o = observations + 4 &* (i &+ lane)
                    o[0] = ox[lane]
                    o[1] = oxDot[lane]
                    o[2] = otheta[lane]
                    o[3] = othetaDot[lane]
                }
                var doneBits = (terminalBits | truncatedBits) & (1 << lanes &- 1)
                while doneBits != 0 {
                    let copy = i &+ doneBits.trailingZeroBitCount
                    doneBits &= doneBits &- 1
                    (finals + 4 &* copy).update(from: observations + 4 &* copy, count: 4)
                    doneIndices[doneCount] = copy
                    doneCount &+= 1
                }
                i &+= 8
            }
        }}}}}}
        return doneCount
    }

    /// The Euler step of eight lanes (cartpole.py, `step`, kinematics_integrator "euler"),
    /// with Gymnasium's operations in Gymnasium's order, so that results are those of the
    /// scalar CartPole bit for bit wherever the polynomial sin/cos rounds as libm does
    /// (nearly always; otherwise by an ulp). Kept out of line: inlined into the output code, LLVM
    /// scalarized half of it.
    @inline(never)
    static func euler(_ x: SIMD8<Double>, _ xDot: SIMD8<Double>, _ theta: SIMD8<Double>, _ thetaDot: SIMD8<Double>,
                      _ force: SIMD8<Double>) -> (SIMD8<Double>, SIMD8<Double>, SIMD8<Double>, SIMD8<Double>) {
        typealias V = SIMD8<Double>
        // Divisions by the total mass stay divisions, as in cartpole.py: multiplying by 1/1.1
        // would save three of the four vector divisions but change results by an ulp, and
        // CartPole amplifies an ulp into 1e-5 within a few hundred balanced steps.
        let gravity = V(repeating: Self.gravity), totalMass = V(repeating: Self.totalMass)
        let poleMassLength = V(repeating: Self.poleMassLength), length = V(repeating: Self.length)
        let massPole = V(repeating: Self.massPole), fourThirds = V(repeating: 4.0 / 3.0), tau = V(repeating: Self.tau)
        let polynomialRange = V(repeating: 0.5)
        var (sine, cosine) = Self.sinCos(theta)
        // Written so that NaN lanes count as outside too.
        let inside = (theta .<= polynomialRange) .& (theta .>= -polynomialRange)
        if !all(inside) {
            for lane in 0..<8 where !(abs(theta[lane]) <= 0.5) {
                sine[lane] = sin(theta[lane])
                cosine[lane] = cos(theta[lane])
            }
        }
        let temp: V = (force + poleMassLength * (thetaDot * thetaDot) * sine) / totalMass
        let denominator: V = length * (fourThirds - massPole * (cosine * cosine) / totalMass)
        let thetaAcc: V = (gravity * sine - cosine * temp) / denominator
        let xAcc: V = temp - poleMassLength * thetaAcc * cosine / totalMass
        return (x + tau * xDot, xDot + tau * xAcc, theta + tau * thetaDot, thetaDot + tau * thetaAcc)
    }

    /// For each 8-bit lane mask, the eight bytes of the matching `Bool`s (lane 0 lowest), so
    /// a chunk's flags are one store.
    static let laneBytes: [UInt64] = (0..<256).map { (mask: Int) -> UInt64 in
        var bytes: UInt64 = 0
        for lane in 0..<8 where mask >> lane & 1 == 1 { bytes |= UInt64(1) << UInt64(8 * lane) }
        return bytes
    }

    /// sin and cos by their Taylor series in Horner form, accurate to double rounding for
    /// |x| ≤ 0.5 (first omitted terms x¹⁷/17! and x¹⁸/18! are below 1e-19 there).
    @inline(__always)
    static func sinCos(_ x: SIMD8<Double>) -> (SIMD8<Double>, SIMD8<Double>) {
        typealias V = SIMD8<Double>
        let x2: V = x * x
        var s: V = V(repeating: -1.0 / 1_307_674_368_000)
        s = s * x2 + V(repeating: 1.0 / 6_227_020_800)
        s = s * x2 + V(repeating: -1.0 / 39_916_800)
        s = s * x2 + V(repeating: 1.0 / 362_880)
        s = s * x2 + V(repeating: -1.0 / 5_040)
        s = s * x2 + V(repeating: 1.0 / 120)
        s = s * x2 + V(repeating: -1.0 / 6)
        let sine: V = x + x * (x2 * s)
        var c: V = V(repeating: 1.0 / 20_922_789_888_000)
        c = c * x2 + V(repeating: -1.0 / 87_178_291_200)
        c = c * x2 + V(repeating: 1.0 / 479_001_600)
        c = c * x2 + V(repeating: -1.0 / 3_628_800)
        c = c * x2 + V(repeating: 1.0 / 40_320)
        c = c * x2 + V(repeating: -1.0 / 720)
        c = c * x2 + V(repeating: 1.0 / 24)
        c = c * x2 + V(repeating: -0.5)
        let cosine: V = V(repeating: 1) + x2 * c
        return (sine, cosine)
    }
}
