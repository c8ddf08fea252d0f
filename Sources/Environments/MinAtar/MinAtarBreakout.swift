/// MinAtar Breakout (minatar/environments/breakout.py): bounce a ball off a paddle to break
/// three rows of bricks, +1 per brick; the episode ends when the ball reaches the bottom row
/// past the paddle. A cleared wall is rebuilt when the ball next comes down to the paddle row.
///
/// Observation: `[10, 10, 4]` bytes (0 or 1; the package gives booleans), channels paddle,
/// ball, trail (the ball's previous cell), brick. Reset draws only which side the ball starts
/// on. Difficulty does not ramp in this game.
/// A global constant array is emitted as a static, immortal object, so returning it with
/// every observation costs no atomic reference counting (a stored property's copy did).
private let breakoutObservationShape = [10, 10, 4]

public final class MinAtarBreakout: Environment {
    /// Everything that changes while stepping, behind one pointer: a class's stored `var`s
    /// pay a dynamic exclusivity check on every access, which cost a third of a step.
    private struct Simulation {
        var core: MinAtarCore
        var game = BreakoutGame()
    }

    private let simulation: UnsafeMutablePointer<Simulation>
    /// Pixels per cell side in rendered frames.
    public let renderScale: Int
    public let observationSpace: Space
    public let actionSpace: Space
    public let id: String
    public let renderMode: RenderMode?

    /// - Parameters:
    ///   - minimalActionSet: use the game's three actions (no-op, left, right) as the `-v1`
    ///     id does, instead of all six.
    ///   - stickyActionProbability: chance that the previous action repeats (the package's
    ///     `sticky_action_prob`, 0.1).
    public init(minimalActionSet: Bool = false, stickyActionProbability: Double = 0.1, renderMode: RenderMode? = nil,
                renderScale: Int = MinAtar.defaultRenderScale) {
        precondition(renderScale > 0, "MinAtarBreakout: renderScale must be positive, got \(renderScale)")
        let core = MinAtarCore(game: .breakout, minimalActionSet: minimalActionSet,
                               stickyActionProbability: stickyActionProbability, difficultyRamping: false,
                               renderMode: renderMode)
        simulation = .allocate(capacity: 1)
        simulation.initialize(to: Simulation(core: core))
        self.renderScale = renderScale
        observationSpace = core.observationSpace
        actionSpace = core.actionSpace
        id = core.id
        self.renderMode = renderMode
    }

    deinit {
        simulation.deinitialize(count: 1)
        simulation.deallocate()
    }

    /// The package's `sticky_action_prob`.
    public var stickyActionProbability: Double { simulation.pointee.core.stickyActionProbability }

    /// The current game state.
    public var gameState: State { simulation.pointee.game.state }

    /// Replaces the game state (after a reset); the next step starts from it. Returns the
    /// observation of the new state.
    @discardableResult
    public func setGameState(_ state: State) throws -> Observation {
        if let reason = state.violation() { throw EnvironmentError.invalidState(id: id, reason: reason) }
        guard simulation.pointee.core.started else {
            throw EnvironmentError.invalidState(id: id, reason: "call reset(seed:options:) before setting the state")
        }
        simulation.pointee.game = BreakoutGame(state)
        simulation.pointee.core.terminal = state.terminal
        simulation.pointee.game.draw(into: &simulation.pointee.core.observation)
        return .uint8(simulation.pointee.core.observation, shape: breakoutObservationShape)
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        simulation.pointee.core.beginReset(seed: seed)
        // `ball_start = randint(2)`: left wall moving down-right, or right wall moving down-left.
        let left = simulation.pointee.core.random.int(below: 2) == 0
        simulation.pointee.game.reset(ballX: left ? 0 : 9, ballDirection: left ? 2 : 3)
        simulation.pointee.game.draw(into: &simulation.pointee.core.observation)
        return (.uint8(simulation.pointee.core.observation, shape: breakoutObservationShape), Info())
    }

    public func step(_ action: Action) throws -> Step {
        let sim = simulation
        let a = try sim.pointee.core.gameAction(for: action)
        let reward = sim.pointee.core.observation.withUnsafeMutableBufferPointer { obs in
            sim.pointee.game.advance(a, observation: obs.baseAddress!)
        }
        let terminal = sim.pointee.game.terminal
        sim.pointee.core.terminal = terminal
        return Step(observation: .uint8(sim.pointee.core.observation, shape: breakoutObservationShape), reward: reward,
                    terminated: terminal, truncated: false)
    }

    public func render() throws -> Frame { try simulation.pointee.core.frame(scale: renderScale) }
}
