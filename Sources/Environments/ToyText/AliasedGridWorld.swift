/// The aliased grid world of David Silver's RL course, lecture 7 ("Policy Gradient",
/// slide "Example: Aliased Gridworld"): where the agent cannot tell two states apart, the
/// best stationary policy is stochastic.
///
/// A corridor of five cells (states 0–4, left to right) lies above three cells: danger
/// under the first and last corridor cells (states 5 and 7), the treasure under the middle
/// one (state 6); walls are under the second and fourth. Actions are `Discrete(4)`:
/// 0 north, 1 east, 2 south, 3 west; moving into a wall leaves the agent in place.
/// Reaching the treasure gives +1 and terminates, falling into danger gives −1 and
/// terminates, every other step gives 0.
///
/// The agent observes only which of its four neighbours are walls:
/// `MultiDiscrete([2, 2, 2, 2])`, the bits (north, east, south, west), 1 for a wall. The
/// second and fourth corridor cells both observe `[1, 0, 1, 0]`, so a deterministic policy
/// of the observation sends both the same way and loops forever on one side, while moving
/// east or west at random there reaches the treasure with probability 1.
///
/// Episodes start uniformly in one of the four corridor cells that are not above the
/// treasure (starting above it would make the task one step long). Registered as
/// `AliasedGridWorld-v0` with a 100-step limit and no reward threshold. Text rendering
/// (`ansi`) draws the corridor over `D # T # D` with the agent as `x`. `info["prob"]` is
/// always 1 (the moves are deterministic). The first reset without a seed uses seed 0.
public final class AliasedGridWorld: TabularEnvironment {
    /// The registered id.
    public static let id = "AliasedGridWorld-v0"
    /// Action names in index order.
    public static let actionNames = ["North", "East", "South", "West"]
    /// The bottom-row states: left danger, treasure, right danger.
    public static let leftDanger = 5, treasure = 6, rightDanger = 7

    public let id: String
    public let renderMode: RenderMode?
    public let observationSpace: Space = .multiDiscrete([2, 2, 2, 2])
    public let actionSpace: Space = .discrete(4)
    private var core: TabularCore
    /// The wall observation of every state, built once so steps allocate nothing for it.
    private let observations: [Observation]

    /// The world. Throws when `renderMode` is not nil or `.ansi`.
    public init(renderMode: RenderMode? = nil, id: String = AliasedGridWorld.id) throws {
        try TabularCore.checkRenderMode(renderMode, id: id)
        self.id = id
        self.renderMode = renderMode
        observations = (0..<8).map { .multiDiscrete(Self.walls(around: $0)) }
        core = TabularCore(mdp: Self.mdp, id: id)
    }

    public var mdp: TabularMDP { core.mdp }
    public var currentState: Int { core.state }

    /// The wall bits (north, east, south, west) around `state`, 1 for a wall.
    public static func walls(around state: Int) -> [Int] {
        switch state {
        case 0...4: return [1, state == 4 ? 1 : 0, state == 1 || state == 3 ? 1 : 0, state == 0 ? 1 : 0]
        default: return [0, 1, 1, 1]
        }
    }

    /// An observation as a number in 0..<16 (north is the most significant bit), for
    /// tables indexed by observation.
    public static func index(of observation: Observation) -> Int? {
        guard case let .multiDiscrete(bits) = observation, bits.count == 4, bits.allSatisfy({ $0 == 0 || $0 == 1 }) else { return nil }
        return bits.reduce(0) { $0 * 2 + $1 }
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        core.reset(seed: seed) { observations[$0] }
    }

    public func step(_ action: Action) throws -> Step {
        try core.step(action) { observations[$0] }
    }

    public func setState(_ state: [Double]) throws { try core.setState(state) }

    /// The corridor (`o`) over the bottom row (`D # T # D`), the agent as `x`, under a line
    /// naming the last action.
    public func render() throws -> Frame {
        try core.checkRendering(mode: renderMode)
        var text = core.lastAction.map { "  (\(Self.actionNames[$0]))\n" } ?? "\n"
        let top = (0..<5).map { $0 == core.state ? "x" : "o" }
        let bottomStates = [Self.leftDanger, -1, Self.treasure, -1, Self.rightDanger]
        let bottom = bottomStates.map { s in
            s == -1 ? "#" : s == core.state ? "x" : s == Self.treasure ? "T" : "D"
        }
        text += top.joined(separator: "  ") + "\n" + bottom.joined(separator: "  ") + "\n"
        return .text(text)
    }

    /// The model over the full state (corridor 0–4, bottom 5–7); from the bottom cells, which
    /// the agent never leaves, every action is a terminating self-loop with reward 0, as
    /// FrozenLake's holes.
    public static let mdp: TabularMDP = {
        func move(_ state: Int, _ action: Int) -> TabularTransition {
            switch (state, action) {
            case (0, 2): return TabularTransition(probability: 1, nextState: leftDanger, reward: -1, terminated: true)
            case (2, 2): return TabularTransition(probability: 1, nextState: treasure, reward: 1, terminated: true)
            case (4, 2): return TabularTransition(probability: 1, nextState: rightDanger, reward: -1, terminated: true)
            case (_, 1): return TabularTransition(probability: 1, nextState: min(state + 1, 4), reward: 0, terminated: false)
            case (_, 3): return TabularTransition(probability: 1, nextState: max(state - 1, 0), reward: 0, terminated: false)
            default: return TabularTransition(probability: 1, nextState: state, reward: 0, terminated: false)
            }
        }
        let outcomes = (0..<8).map { s in
            (0..<4).map { a in
                s < 5 ? [move(s, a)] : [TabularTransition(probability: 1, nextState: s, reward: 0, terminated: true)]
            }
        }
        return TabularMDP(outcomes: outcomes, initialStateDistribution: [0.25, 0.25, 0, 0.25, 0.25, 0, 0, 0])
    }()

    /// `AliasedGridWorld-v0`: 100-step limit, no reward threshold.
    public static let specs: [EnvironmentSpec] = [
        EnvironmentSpec(id: id, rewardThreshold: nil, maxEpisodeSteps: 100,
                        summary: "Silver's aliased gridworld: two corridor cells look alike, only a stochastic policy finds the treasure") { options in
            try AliasedGridWorld(renderMode: try options.renderMode(), id: options.id)
        },
    ]
}
