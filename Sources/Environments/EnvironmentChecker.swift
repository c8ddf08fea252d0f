import Randomness

/// What ``checkEnvironment(_:seed:steps:checkInvalidActions:)`` found wrong: which check
/// failed, what happened, and how to fix it.
public struct EnvironmentCheckError: Error, Equatable, CustomStringConvertible {
    /// The checks, in the order they run.
    public enum Check: String, Sendable, Equatable {
        case spaces, reset, resetDeterminism, step, reward, stepDeterminism, stepAfterTermination, invalidAction, state, render
    }

    /// The check that failed.
    public var check: Check
    /// The environment's id.
    public var id: String
    /// What went wrong.
    public var problem: String
    /// How to fix it.
    public var fix: String

    public init(check: Check, id: String, problem: String, fix: String) {
        self.check = check
        self.id = id
        self.problem = problem
        self.fix = fix
    }

    public var description: String { "\(id) failed the \(check.rawValue) check: \(problem). Fix: \(fix)" }
}

/// Checks that an environment follows the contract of ``Environment`` (Gymnasium's
/// `check_env` and Stable-Baselines3's `check_env`), and explains what is wrong.
///
/// In order it checks: that both spaces are well formed (bounds ordered, not NaN, uint8
/// bounds within 0...255, positive counts); that a seeded reset returns an observation in the
/// observation space and the same one for the same seed, and that `reset(seed:)` followed by
/// `reset()` is reproducible too; that a rollout of `steps` sampled actions returns
/// observations in the space and finite rewards; that the same seed and actions give the same
/// rollout; that a step after termination is refused; that invalid actions (out of range,
/// wrong shape, NaN) throw; that a ``StatefulEnvironment``'s state round-trips and a state of
/// the wrong length throws; and that rendering, when a mode is set, gives frames of one size.
///
/// Errors throw ``EnvironmentCheckError``. What is allowed but likely unintended comes back as
/// warnings: unbounded float boxes (Gymnasium warns too), action boxes other than [-1, 1] or
/// [0, 1] (Stable-Baselines3's advice), and no termination within `steps`, which leaves the
/// step-after-termination check unrun.
///
/// The environment is reset and stepped, so its state changes; it is not closed. An
/// environment that traps (rather than throws) on an invalid action or on a step after
/// termination crashes the checker, and the crash points to the missing check; pass
/// `checkInvalidActions: false` to skip the invalid-action probes.
///
/// - Returns: the warnings, each saying what to consider changing.
@discardableResult
public func checkEnvironment(_ env: any Environment, seed: UInt64 = 0, steps: Int = 100,
                             checkInvalidActions: Bool = true) throws -> [String] {
    var checker = EnvironmentChecker(env: env, seed: seed, steps: max(1, steps))
    try checker.checkSpaces()
    try checker.checkReset()
    try checker.checkRollout()
    try checker.checkStepDeterminism()
    try checker.checkStepAfterTermination()
    if checkInvalidActions { try checker.checkInvalidActions() }
    try checker.checkState()
    try checker.checkRender()
    return checker.warnings
}

/// The state of one ``checkEnvironment(_:seed:steps:checkInvalidActions:)`` run.
private struct EnvironmentChecker {
    let env: any Environment
    let seed: UInt64
    let steps: Int
    var warnings: [String] = []

    init(env: any Environment, seed: UInt64, steps: Int) {
        self.env = env
        self.seed = seed
        self.steps = steps
    }

    func failure(_ check: EnvironmentCheckError.Check, _ problem: String, fix: String) -> EnvironmentCheckError {
        EnvironmentCheckError(check: check, id: env.id, problem: problem, fix: fix)
    }

    /// Runs `body`, turning anything it throws into a failure of `check`.
    func attempt<T>(_ check: EnvironmentCheckError.Check, _ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EnvironmentCheckError {
            throw error
        } catch {
            throw failure(check, "\(what) threw \(error)", fix: "\(what) must succeed on a valid call; see the error above")
        }
    }

    // MARK: Spaces

    mutating func checkSpaces() throws {
        try checkSpace(env.observationSpace, role: "observation")
        try checkSpace(env.actionSpace, role: "action")
    }

    mutating func checkSpace(_ space: Space, role: String) throws {
        switch space {
        case let .discrete(n, _):
            guard n > 0 else {
                throw failure(.spaces, "the \(role) space \(space) is empty", fix: "give Discrete a positive number of elements")
            }
        case let .multiDiscrete(nvec):
            guard !nvec.isEmpty, nvec.allSatisfy({ $0 > 0 }) else {
                throw failure(.spaces, "the \(role) space \(space) has an empty dimension", fix: "give every MultiDiscrete dimension a positive count")
            }
        case let .box(low, high, shape, scalarType):
            let count = shape.reduce(1, *)
            guard shape.allSatisfy({ $0 > 0 }) else {
                throw failure(.spaces, "the \(role) space has shape \(shape) with an empty dimension", fix: "use positive dimensions")
            }
            guard low.count == count, high.count == count else {
                throw failure(.spaces, "the \(role) box has shape \(shape) (\(count) elements) but \(low.count) lower and \(high.count) upper bounds",
                              fix: "give one bound per element, row-major, or use Space.box(low:high:shape:) with scalar bounds")
            }
            if let i = low.indices.first(where: { low[$0].isNaN || high[$0].isNaN }) {
                throw failure(.spaces, "the \(role) box has a NaN bound at element \(i)", fix: "use finite bounds or ±infinity")
            }
            if let i = low.indices.first(where: { low[$0] > high[$0] }) {
                throw failure(.spaces, "the \(role) box has low \(low[i]) > high \(high[i]) at element \(i)", fix: "swap or correct the bounds so that low <= high")
            }
            if scalarType == .uint8, let i = low.indices.first(where: { !(0...255).contains(low[$0]) || !(0...255).contains(high[$0]) }) {
                throw failure(.spaces, "the uint8 \(role) box has bounds [\(low[i]), \(high[i])] at element \(i), outside 0...255",
                              fix: "bytes hold 0...255: use those bounds, or a float32 box")
            }
            if scalarType == .float32 {
                if low.contains(-.infinity) || high.contains(.infinity) {
                    warnings.append("the \(role) box \(space) is unbounded in some elements; Gymnasium warns too: give real bounds where they are known, they help normalization and clipping")
                }
                if role == "action", shape.count == 1,
                   zip(low, high).contains(where: { lo, hi in (lo != 0 && abs(lo) != abs(hi)) || lo < -1 || hi > 1 }) {
                    warnings.append("the action box \(space) is not symmetric and normalized; Stable-Baselines3 recommends [-1, 1] (rescale inside the environment), as Gaussian policies start around 0 with unit scale")
                }
            }
        }
    }

    // MARK: Reset

    func checkObservation(_ observation: Observation, from call: String, check: EnvironmentCheckError.Check) throws {
        if let reason = env.observationSpace.violation(of: observation) {
            throw failure(check, "the observation returned by \(call) is not in the observation space \(env.observationSpace): \(reason)",
                          fix: "return values of the declared shape and scalar type within the bounds, or widen observationSpace")
        }
    }

    mutating func checkReset() throws {
        let first = try attempt(.reset, "reset(seed: \(seed))") { try env.reset(seed: seed) }.observation
        try checkObservation(first, from: "reset(seed: \(seed))", check: .reset)
        let next = try attempt(.reset, "reset()") { try env.reset(seed: nil) }.observation
        try checkObservation(next, from: "reset() after a seeded reset", check: .reset)
        let again = try attempt(.reset, "reset(seed: \(seed))") { try env.reset(seed: seed) }.observation
        guard again == first else {
            throw failure(.resetDeterminism, "reset(seed: \(seed)) returned \(first) and then \(again)",
                          fix: "reseed the environment's RandomGenerator from the seed in reset (RandomGenerator(seed: seed)) and draw the start state only from it")
        }
        let nextAgain = try attempt(.reset, "reset()") { try env.reset(seed: nil) }.observation
        guard nextAgain == next else {
            throw failure(.resetDeterminism, "reset(seed: \(seed)) followed by reset() returned \(next) and then \(nextAgain)",
                          fix: "an unseeded reset must continue the generator seeded by the last seed, not draw from a global or time-based source")
        }
    }

    // MARK: Steps

    /// One transition of a rollout, for comparing two runs.
    struct Record: Equatable {
        var observation: Observation
        var reward: Double
        var terminated: Bool
        var truncated: Bool
    }

    /// Resets with the seed and steps with actions sampled from a generator of the same seed,
    /// resetting (unseeded) after each episode; checks every result on the way.
    func rollout() throws -> [Record] {
        var random = RandomGenerator(seed: seed)
        var records: [Record] = []
        let reset = try attempt(.reset, "reset(seed: \(seed))") { try env.reset(seed: seed) }
        records.append(Record(observation: reset.observation, reward: 0, terminated: false, truncated: false))
        for index in 0..<steps {
            let action = env.sampleAction(using: &random)
            let result = try attempt(.step, "step(\(action)) with an action sampled from the action space (step \(index))") { try env.step(action) }
            try checkObservation(result.observation, from: "step (step \(index), action \(action))", check: .step)
            guard result.reward.isFinite else {
                throw failure(.reward, "step \(index) returned the reward \(result.reward)",
                              fix: "rewards must be finite numbers: check for divisions by zero, logs of zero and overflow")
            }
            records.append(Record(observation: result.observation, reward: result.reward, terminated: result.terminated, truncated: result.truncated))
            if result.isDone {
                let next = try attempt(.reset, "reset() after an episode ended") { try env.reset(seed: nil) }
                try checkObservation(next.observation, from: "reset() after an episode ended", check: .reset)
                records.append(Record(observation: next.observation, reward: 0, terminated: false, truncated: false))
            }
        }
        return records
    }

    var firstRollout: [Record] = []

    mutating func checkRollout() throws {
        firstRollout = try rollout()
    }

    func checkStepDeterminism() throws {
        let second = try rollout()
        if let index = firstRollout.indices.first(where: { $0 < second.count && firstRollout[$0] != second[$0] }) {
            throw failure(.stepDeterminism, "the same seed and actions gave different rollouts at record \(index): \(firstRollout[index]) and then \(second[index])",
                          fix: "draw every random number in step and reset from the environment's RandomGenerator, reseeded in reset(seed:); keep no state that reset does not restore")
        }
    }

    mutating func checkStepAfterTermination() throws {
        var random = RandomGenerator(seed: seed &+ 1)
        _ = try attempt(.reset, "reset(seed: \(seed))") { try env.reset(seed: seed) }
        for _ in 0..<steps {
            let action = env.sampleAction(using: &random)
            let result = try attempt(.step, "step(\(action))") { try env.step(action) }
            if result.truncated && !result.terminated { return }
            if result.terminated {
                do {
                    _ = try env.step(action)
                } catch {
                    return
                }
                throw failure(.stepAfterTermination, "step(_:) after a terminated step was accepted",
                              fix: "remember that the episode terminated and throw EnvironmentError.stepAfterDone(id:) until the next reset")
            }
        }
        warnings.append("no episode terminated within \(steps) random steps, so the refusal of a step after termination was not checked; pass more steps if episodes are long")
    }

    func checkInvalidActions() throws {
        var probes: [(Action, String)] = []
        switch env.actionSpace {
        case let .discrete(n, start):
            probes = [(.discrete(start + n), "the index \(start + n), one past the end"), (.discrete(start - 1), "the index \(start - 1), one before the start"),
                      (.continuous([0]), "a float action for a discrete space")]
        case let .multiDiscrete(nvec):
            probes = [(.multiDiscrete(nvec), "indices equal to the counts"), (.multiDiscrete(Array(nvec.dropLast())), "too few indices")]
        case let .box(low, _, shape, scalarType):
            if scalarType == .float32 {
                probes = [(.float32(Array(repeating: .nan, count: low.count), shape: shape), "NaN values")]
            }
            probes.append((.float32(Array(repeating: 0, count: low.count + 1), shape: [low.count + 1]), "a value of the wrong shape"))
            probes.append((.discrete(0), "a discrete action for a box space"))
        }
        for (action, what) in probes {
            _ = try attempt(.reset, "reset(seed: \(seed))") { try env.reset(seed: seed) }
            do {
                _ = try env.step(action)
            } catch {
                continue
            }
            throw failure(.invalidAction, "step(\(action)) with \(what) outside the action space \(env.actionSpace) was accepted",
                          fix: "begin step(_:) with `if let reason = actionSpace.violation(of: action) { throw EnvironmentError.invalidAction(id: id, reason: reason) }`")
        }
    }

    // MARK: State

    func checkState() throws {
        guard let stateful = env as? any StatefulEnvironment else { return }
        _ = try attempt(.reset, "reset(seed: \(seed))") { try env.reset(seed: seed) }
        let start = stateful.state
        var random = RandomGenerator(seed: seed)
        _ = try attempt(.step, "step") { try env.step(env.sampleAction(using: &random)) }
        try attempt(.state, "setState(_:) with a state the environment returned") { try stateful.setState(start) }
        guard stateful.state == start else {
            throw failure(.state, "after a step, setState(\(start)) left the state at \(stateful.state)",
                          fix: "setState must store exactly the values that state returns, in the same order")
        }
        do {
            try stateful.setState(start + [0])
        } catch {
            return
        }
        throw failure(.state, "setState accepted a state of \(start.count + 1) values, one more than state has",
                      fix: "throw EnvironmentError.invalidState(id:reason:) when the count is wrong")
    }

    // MARK: Render

    func checkRender() throws {
        guard let mode = env.renderMode else { return }
        _ = try attempt(.reset, "reset(seed: \(seed))") { try env.reset(seed: seed) }
        var frames = [try attempt(.render, "render() after reset") { try env.render() }]
        var random = RandomGenerator(seed: seed)
        for _ in 0..<3 {
            let result = try attempt(.step, "step") { try env.step(env.sampleAction(using: &random)) }
            frames.append(try attempt(.render, "render() after a step") { try env.render() })
            if result.isDone { break }
        }
        for frame in frames {
            switch (mode, frame) {
            case let (.rgbArray, .rgb(pixels, height, width)):
                guard height > 0, width > 0, pixels.count == height * width * 3 else {
                    throw failure(.render, "render() returned \(pixels.count) bytes for a \(height)x\(width) RGB frame",
                                  fix: "an rgb frame holds height × width × 3 bytes, row-major RGB")
                }
                if case let .rgb(_, firstHeight, firstWidth) = frames[0], (firstHeight, firstWidth) != (height, width) {
                    throw failure(.render, "render() returned frames of \(firstHeight)x\(firstWidth) and then \(height)x\(width)",
                                  fix: "keep one frame size for the whole run: videos need it")
                }
            case (.ansi, .text):
                continue
            default:
                throw failure(.render, "render mode \(mode.rawValue) returned \(frame)",
                              fix: "return Frame.rgb for rgb_array and Frame.text for ansi")
            }
        }
    }
}
