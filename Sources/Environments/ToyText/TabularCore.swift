import Randomness

/// The episode bookkeeping every tabular environment shares: sampling steps from the model,
/// seeding, and refusing steps before reset, after termination, or with impossible actions.
struct TabularCore {
    /// The seed of the first reset when none is given, so unseeded runs still repeat.
    static let defaultSeed: UInt64 = 0

    let mdp: TabularMDP
    let id: String
    var generator = RandomGenerator(seed: defaultSeed)
    var state = 0
    /// The last action taken, for the `(Left)` line of the text rendering; nil after reset.
    var lastAction: Int?
    var hasReset = false
    var terminated = false

    /// `infos[s][a][i]`: Gymnasium's `{"prob": p}` of each outcome, built once so a step
    /// returns a shared dictionary instead of allocating one (which tripled the step time).
    private let infos: [[[Info]]]

    init(mdp: TabularMDP, id: String) {
        self.mdp = mdp
        self.id = id
        infos = mdp.outcomes.map { $0.map { $0.map { Self.info(probability: $0.probability) } } }
    }

    /// Starts an episode; `observe` turns the start state into what the environment shows
    /// (the state index itself for most worlds).
    mutating func reset(seed: UInt64?, observe: (Int) -> Observation = { .discrete($0) })
        -> (observation: Observation, info: Info) {
        if let seed { generator = RandomGenerator(seed: seed) }
        state = mdp.sampleInitialState(using: &generator)
        lastAction = nil
        hasReset = true
        terminated = false
        return (observe(state), Self.resetInfo)
    }

    /// Validates `action`, samples its outcome and moves to the next state, shown as `observe` maps it.
    @inline(__always)
    mutating func step(_ action: Action, observe: (Int) -> Observation = { .discrete($0) }) throws -> Step {
        let (outcome, info) = try sample(action)
        return Step(observation: observe(outcome.nextState), reward: outcome.reward, terminated: outcome.terminated,
                    truncated: false, info: info)
    }

    /// Validates `action` and samples its outcome, moving to the next state; returns the
    /// outcome with its `info`.
    @inline(__always)
    private mutating func sample(_ action: Action) throws -> (outcome: TabularTransition, info: Info) {
        guard hasReset else { throw EnvironmentError.stepBeforeReset(id: id) }
        guard !terminated else { throw EnvironmentError.stepAfterDone(id: id) }
        guard case let .discrete(a) = action, a >= 0, a < mdp.actionCount else {
            throw EnvironmentError.invalidAction(id: id, reason: Space.discrete(mdp.actionCount).violation(of: action)
                ?? "action \(action) is not an element of Discrete(\(mdp.actionCount))")
        }
        let list = mdp.outcomes[state][a]
        if list.isEmpty {
            throw EnvironmentError.invalidAction(id: id, reason:
                "action \(a) is not possible in state \(state); the possible actions there are \(mdp.possibleActions(in: state))")
        }
        let index = TabularMDP.categoricalIndex(list.count, uniform: generator.uniformDouble()) { list[$0].probability }
        let outcome = list[index]
        let info = infos[state][a][index]
        state = outcome.nextState
        lastAction = a
        terminated = outcome.terminated
        return (outcome, info)
    }

    /// Sets the state from `[index]`; the episode continues from it.
    mutating func setState(_ values: [Double]) throws {
        guard values.count == 1 else {
            throw EnvironmentError.invalidState(id: id, reason: "expected one value, the state index, got \(values.count) values")
        }
        let value = values[0]
        guard value.isFinite, value == value.rounded(), value >= 0, value < Double(mdp.stateCount) else {
            throw EnvironmentError.invalidState(id: id, reason: "state must be an integer in 0..<\(mdp.stateCount), got \(value)")
        }
        state = Int(value)
        lastAction = nil
        hasReset = true
        terminated = false
    }

    /// The outcome's probability as Gymnasium's `info["prob"]`.
    static func info(probability: Double) -> Info { ["prob": .double(probability)] }

    /// Gymnasium's reset info, `{"prob": 1}`.
    static let resetInfo = info(probability: 1)

    /// Rendering is text only: checks at construction that no other mode was asked for.
    static func checkRenderMode(_ mode: RenderMode?, id: String) throws {
        if let mode, mode != .ansi {
            throw EnvironmentError.invalidOption(id: id, option: "render_mode", reason:
                "\(id) renders only 'ansi' text, not '\(mode.rawValue)'")
        }
    }

    /// Throws unless the environment was made to render text and has been reset.
    func checkRendering(mode: RenderMode?) throws {
        guard mode == .ansi else {
            throw EnvironmentError.renderingUnavailable(id: id, reason: "the environment was made without a render mode; make it with render_mode 'ansi'")
        }
        guard hasReset else { throw EnvironmentError.renderingUnavailable(id: id, reason: "call reset(seed:options:) before render()") }
    }
}
