/// CliffWalking-v1 as in Gymnasium 1.x (`gymnasium/envs/toy_text/cliffwalking.py`; Sutton
/// and Barto, Example 6.6): a 4x12 grid, start at the bottom left (state 36), goal at the
/// bottom right (state 47), the cliff between them (states 37–46).
///
/// Observations are `row * 12 + column` (`Discrete(48)`); actions `Discrete(4)`: 0 up,
/// 1 right, 2 down, 3 left. Every step costs −1; stepping onto the cliff costs −100 and puts
/// the agent back at the start without ending the episode; reaching the goal terminates.
/// With `isSlippery` the agent moves in the intended direction or either perpendicular one,
/// each with probability 1/3 (Gymnasium's order: `(a - 1) % 4`, `a`, `(a + 1) % 4`). The
/// model (``mdp``) equals Gymnasium's `env.unwrapped.P` entry for entry.
///
/// Registered as `CliffWalking-v1` and `CliffWalkingSlippery-v1`, both without step limit
/// or reward threshold, as in Gymnasium. Text rendering (`ansi`) is Gymnasium's: `x` for
/// the agent, `C` for the cliff, `T` for the goal, `o` elsewhere. `info["prob"]` holds the
/// probability of the sampled outcome. The first reset without a seed uses seed 0.
public final class CliffWalking: TabularEnvironment {
    /// Rows and columns of the grid.
    public static let shape = (rows: 4, columns: 12)
    /// The start state, bottom left.
    public static let startState = 36
    /// The goal state, bottom right.
    public static let goalState = 47

    public let id: String
    public let renderMode: RenderMode?
    public let observationSpace: Space = .discrete(48)
    public let actionSpace: Space = .discrete(4)
    /// Moves go in the intended direction only with probability 1/3.
    public let isSlippery: Bool
    private var core: TabularCore

    /// A cliff walk. Throws when `renderMode` is not nil or `.ansi`.
    public init(isSlippery: Bool = false, renderMode: RenderMode? = nil, id: String = "CliffWalking-v1") throws {
        try TabularCore.checkRenderMode(renderMode, id: id)
        self.id = id
        self.renderMode = renderMode
        self.isSlippery = isSlippery
        core = TabularCore(mdp: Self.model(isSlippery: isSlippery), id: id)
    }

    public var mdp: TabularMDP { core.mdp }
    public var currentState: Int { core.state }

    /// True for the cliff cells, the bottom row between start and goal.
    public static func isCliff(_ state: Int) -> Bool { state > startState && state < goalState }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        core.reset(seed: seed)
    }

    public func step(_ action: Action) throws -> Step {
        try core.step(action)
    }

    public func setState(_ state: [Double]) throws { try core.setState(state) }

    /// Gymnasium's `_render_text`: cells three characters wide, trimmed at the row ends.
    public func render() throws -> Frame {
        try core.checkRendering(mode: renderMode)
        var text = ""
        for s in 0..<(Self.shape.rows * Self.shape.columns) {
            let column = s % Self.shape.columns
            let mark = s == core.state ? "x" : s == Self.goalState ? "T" : Self.isCliff(s) ? "C" : "o"
            if column > 0 { text += " " }
            text += mark
            text += column == Self.shape.columns - 1 ? "\n" : " "
        }
        return .text(text + "\n")
    }

    /// Gymnasium's `_calculate_transition_prob` for every state and action.
    private static func model(isSlippery: Bool) -> TabularMDP {
        let (rows, columns) = shape
        let deltas = [(-1, 0), (0, 1), (1, 0), (0, -1)]  // up, right, down, left
        var outcomes: [[[TabularTransition]]] = []
        for s in 0..<(rows * columns) {
            let (row, column) = s.quotientAndRemainder(dividingBy: columns)
            outcomes.append((0..<4).map { move in
                let moves = isSlippery ? [(move + 3) % 4, move, (move + 1) % 4] : [move]
                let probability = 1.0 / Double(moves.count)
                return moves.map { m in
                    let r = min(max(row + deltas[m].0, 0), rows - 1)
                    let c = min(max(column + deltas[m].1, 0), columns - 1)
                    let next = r * columns + c
                    if isCliff(next) {
                        return TabularTransition(probability: probability, nextState: startState, reward: -100, terminated: false)
                    }
                    return TabularTransition(probability: probability, nextState: next, reward: -1, terminated: next == goalState)
                }
            })
        }
        var start = [Double](repeating: 0, count: rows * columns)
        start[startState] = 1
        return TabularMDP(outcomes: outcomes, initialStateDistribution: start)
    }

    /// `CliffWalking-v1` and `CliffWalkingSlippery-v1`, as Gymnasium registers them (no step
    /// limit, no reward threshold).
    public static let specs: [EnvironmentSpec] = [
        EnvironmentSpec(id: "CliffWalking-v1", rewardThreshold: nil, maxEpisodeSteps: nil,
                        options: [EnvironmentOptionSpec("is_slippery", default: "false", help: "move perpendicular to the intended direction with probability 2/3")],
                        summary: "walk along a cliff to the goal: -1 per step, -100 and back to start for falling") { options in
            try CliffWalking(isSlippery: try options.bool("is_slippery", default: false), renderMode: try options.renderMode(), id: options.id)
        },
        EnvironmentSpec(id: "CliffWalkingSlippery-v1", rewardThreshold: nil, maxEpisodeSteps: nil,
                        options: [EnvironmentOptionSpec("is_slippery", default: "true", help: "move perpendicular to the intended direction with probability 2/3")],
                        summary: "CliffWalking-v1 on slippery ground (intended move with probability 1/3)") { options in
            try CliffWalking(isSlippery: try options.bool("is_slippery", default: true), renderMode: try options.renderMode(), id: options.id)
        },
    ]
}
