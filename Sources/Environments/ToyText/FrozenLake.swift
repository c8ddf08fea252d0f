import Randomness

/// FrozenLake-v1 as in Gymnasium 1.x (`gymnasium/envs/toy_text/frozen_lake.py`): walk from
/// the start S to the goal G over frozen tiles F without falling into a hole H.
///
/// Observations are `row * columns + column` (`Discrete(rows * columns)`); actions are
/// `Discrete(4)`: 0 left, 1 down, 2 right, 3 up. Moves off the grid stay in place. On a
/// slippery lake the agent moves in the intended direction with probability `successRate`
/// (1/3 by default) and to each perpendicular side with `(1 - successRate) / 2`. Entering G
/// or H terminates; rewards follow `rewardSchedule` (goal, hole, frozen; S counts as frozen),
/// by default 1 for the goal and 0 otherwise. The model (``mdp``) equals Gymnasium's
/// `env.unwrapped.P` entry for entry, including the order and duplicates of outcomes.
///
/// Registered as `FrozenLake-v1` (4x4 map, 100 steps, threshold 0.70) and
/// `FrozenLake8x8-v1` (8x8 map, 200 steps, threshold 0.85), with options `map_name`,
/// `desc`, `is_slippery`, `success_rate` and `reward_schedule`. Text rendering (`ansi`) is
/// byte for byte Gymnasium's: the agent's tile on a red background (ANSI escape
/// `ESC[41m … ESC[0m`) under a line naming the last action. `info["prob"]` holds the
/// probability of the sampled outcome. The first reset without a seed uses seed 0.
public final class FrozenLake: TabularEnvironment {
    /// Gymnasium's predefined maps, `"4x4"` and `"8x8"`.
    public static let maps: [String: [String]] = [
        "4x4": ["SFFF", "FHFH", "FFFH", "HFFG"],
        "8x8": ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"],
    ]

    /// Action names in index order, as the text rendering prints them.
    public static let actionNames = ["Left", "Down", "Right", "Up"]

    public let id: String
    public let renderMode: RenderMode?
    public let observationSpace: Space
    public let actionSpace: Space = .discrete(4)
    /// The map, one string per row.
    public let desc: [String]
    /// The number of rows of the map.
    public let rowCount: Int
    /// The number of columns of the map.
    public let columnCount: Int
    /// Moves may slide to a perpendicular tile.
    public let isSlippery: Bool
    /// The probability of moving in the intended direction on a slippery lake.
    public let successRate: Double
    /// Rewards for entering a goal, a hole and a frozen (or start) tile.
    public let rewardSchedule: (goal: Double, hole: Double, frozen: Double)
    private var core: TabularCore
    private let tiles: [[Character]]

    /// A lake from `desc` (rows of S, F, H, G), or from the predefined map `mapName` when
    /// `desc` is nil. Throws ``EnvironmentError/invalidOption(id:option:reason:)`` for an
    /// unknown map name, a ragged map, another letter, a map without S, a success rate
    /// outside [0, 1], or a render mode other than `ansi`.
    public init(desc: [String]? = nil, mapName: String = "4x4", isSlippery: Bool = true, successRate: Double = 1.0 / 3.0,
                rewardSchedule: (goal: Double, hole: Double, frozen: Double) = (1, 0, 0),
                renderMode: RenderMode? = nil, id: String = "FrozenLake-v1") throws {
        try TabularCore.checkRenderMode(renderMode, id: id)
        let rows: [String]
        if let desc {
            rows = desc
        } else if let map = Self.maps[mapName] {
            rows = map
        } else {
            throw EnvironmentError.invalidOption(id: id, option: "map_name", reason:
                "unknown map '\(mapName)'; use \(Self.maps.keys.sorted().joined(separator: " or ")), or give desc")
        }
        let tiles = rows.map(Array.init)
        guard let columns = tiles.first?.count, columns > 0, tiles.allSatisfy({ $0.count == columns }) else {
            throw EnvironmentError.invalidOption(id: id, option: "desc", reason: "rows must be non-empty and of equal length, got \(rows)")
        }
        if let bad = tiles.joined().first(where: { !"SFHG".contains($0) }) {
            throw EnvironmentError.invalidOption(id: id, option: "desc", reason: "tile '\(bad)' is not one of S, F, H, G")
        }
        guard tiles.joined().contains("S") else {
            throw EnvironmentError.invalidOption(id: id, option: "desc", reason: "the map has no start tile S")
        }
        guard (0...1).contains(successRate) else {
            throw EnvironmentError.invalidOption(id: id, option: "success_rate", reason: "must lie in [0, 1], got \(successRate)")
        }
        self.id = id
        self.renderMode = renderMode
        self.desc = rows
        self.tiles = tiles
        rowCount = tiles.count
        columnCount = columns
        self.isSlippery = isSlippery
        self.successRate = successRate
        self.rewardSchedule = rewardSchedule
        observationSpace = .discrete(rowCount * columns)
        core = TabularCore(mdp: Self.model(tiles: tiles, isSlippery: isSlippery, successRate: successRate,
                                           rewardSchedule: rewardSchedule), id: id)
    }

    public var mdp: TabularMDP { core.mdp }
    public var currentState: Int { core.state }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        core.reset(seed: seed)
    }

    public func step(_ action: Action) throws -> Step {
        try core.step(action)
    }

    public func setState(_ state: [Double]) throws { try core.setState(state) }

    /// Gymnasium's `_render_text`.
    public func render() throws -> Frame {
        try core.checkRendering(mode: renderMode)
        var text = core.lastAction.map { "  (\(Self.actionNames[$0]))\n" } ?? "\n"
        let (row, column) = core.state.quotientAndRemainder(dividingBy: columnCount)
        for (r, line) in tiles.enumerated() {
            for (c, tile) in line.enumerated() {
                text += r == row && c == column ? "\u{1B}[41m\(tile)\u{1B}[0m" : String(tile)
            }
            text += "\n"
        }
        return .text(text)
    }

    /// A random square map whose goal can be reached from the start, as Gymnasium's
    /// `generate_random_map`: each tile is frozen with probability `frozenProbability`,
    /// else a hole; maps are drawn until a path exists. (Our generator differs from
    /// NumPy's, so the maps differ from Gymnasium's for the same seed.)
    public static func randomMap(size: Int = 8, frozenProbability: Double = 0.8, using generator: inout RandomGenerator) -> [String] {
        precondition(size >= 2, "FrozenLake.randomMap: size must be at least 2, got \(size)")
        precondition(frozenProbability > 0, "FrozenLake.randomMap: frozenProbability must be positive, got \(frozenProbability)")
        while true {
            var board = (0..<size).map { _ in (0..<size).map { _ -> Character in generator.uniformDouble() < min(1, frozenProbability) ? "F" : "H" } }
            board[0][0] = "S"
            board[size - 1][size - 1] = "G"
            if goalReachable(board) { return board.map { String($0) } }
        }
    }

    /// Depth-first search from the start over non-hole tiles (Gymnasium's `is_valid`).
    private static func goalReachable(_ board: [[Character]]) -> Bool {
        let size = board.count
        var frontier = [(0, 0)]
        var discovered = Set<Int>()
        while let (r, c) = frontier.popLast() {
            guard discovered.insert(r * size + c).inserted else { continue }
            for (dr, dc) in [(1, 0), (0, 1), (-1, 0), (0, -1)] {
                let (nr, nc) = (r + dr, c + dc)
                guard nr >= 0, nr < size, nc >= 0, nc < size else { continue }
                if board[nr][nc] == "G" { return true }
                if board[nr][nc] != "H" { frontier.append((nr, nc)) }
            }
        }
        return false
    }

    /// Gymnasium's construction of `P`: from G or H a terminating self-loop with reward 0;
    /// elsewhere, for a slippery lake, the moves `(a - 1) % 4`, `a`, `(a + 1) % 4` in that
    /// order, otherwise `a` alone.
    private static func model(tiles: [[Character]], isSlippery: Bool, successRate: Double,
                              rewardSchedule: (goal: Double, hole: Double, frozen: Double)) -> TabularMDP {
        let rows = tiles.count, columns = tiles[0].count
        let failRate = (1.0 - successRate) / 2.0
        func outcome(_ row: Int, _ column: Int, _ move: Int, probability: Double) -> TabularTransition {
            var (r, c) = (row, column)
            switch move {
            case 0: c = max(c - 1, 0)
            case 1: r = min(r + 1, rows - 1)
            case 2: c = min(c + 1, columns - 1)
            default: r = max(r - 1, 0)
            }
            let tile = tiles[r][c]
            let reward = tile == "G" ? rewardSchedule.goal : tile == "H" ? rewardSchedule.hole : rewardSchedule.frozen
            return TabularTransition(probability: probability, nextState: r * columns + c, reward: reward, terminated: tile == "G" || tile == "H")
        }
        var outcomes: [[[TabularTransition]]] = []
        for row in 0..<rows {
            for column in 0..<columns {
                let s = row * columns + column
                outcomes.append((0..<4).map { a in
                    if tiles[row][column] == "G" || tiles[row][column] == "H" {
                        return [TabularTransition(probability: 1, nextState: s, reward: 0, terminated: true)]
                    }
                    if !isSlippery { return [outcome(row, column, a, probability: 1)] }
                    return [(a + 3) % 4, a, (a + 1) % 4].map { b in
                        outcome(row, column, b, probability: b == a ? successRate : failRate)
                    }
                })
            }
        }
        let starts = tiles.joined().map { $0 == "S" ? 1.0 : 0.0 }
        let startCount = starts.reduce(0, +)
        return TabularMDP(outcomes: outcomes, initialStateDistribution: starts.map { $0 / startCount })
    }

    /// Builds a lake from registry options, with `mapName` as the registered default.
    static func make(_ options: EnvironmentOptions, mapName: String) throws -> FrozenLake {
        let desc = options.values["desc"].map { $0.split(separator: ",").map { String($0.filter { $0 != " " }) } }
        let scheduleText = options.string("reward_schedule", default: "1,0,0")
        let schedule = scheduleText.split(separator: ",").map { Double(String($0.filter { $0 != " " })) }
        guard schedule.count == 3, let goal = schedule[0], let hole = schedule[1], let frozen = schedule[2],
              goal.isFinite, hole.isFinite, frozen.isFinite else {
            throw EnvironmentError.invalidOption(id: options.id, option: "reward_schedule", reason:
                "'\(scheduleText)' is not three numbers goal,hole,frozen such as 1,0,0")
        }
        return try FrozenLake(desc: desc, mapName: options.string("map_name", default: mapName),
                              isSlippery: try options.bool("is_slippery", default: true),
                              successRate: try options.double("success_rate", default: 1.0 / 3.0),
                              rewardSchedule: (goal, hole, frozen), renderMode: try options.renderMode(), id: options.id)
    }

    private static func options(mapName: String) -> [EnvironmentOptionSpec] {
        [
            EnvironmentOptionSpec("map_name", default: mapName, help: "predefined map: 4x4 or 8x8 (ignored when desc is given)"),
            EnvironmentOptionSpec("desc", default: "", help: "custom map, rows separated by commas, e.g. SFFF,FHFH,FFFH,HFFG"),
            EnvironmentOptionSpec("is_slippery", default: "true", help: "slide to a perpendicular tile with probability 1 - success_rate"),
            EnvironmentOptionSpec("success_rate", default: "0.3333333333333333", help: "probability of moving as intended on a slippery lake"),
            EnvironmentOptionSpec("reward_schedule", default: "1,0,0", help: "rewards for entering goal,hole,frozen tiles"),
        ]
    }

    /// `FrozenLake-v1` (4x4, 100 steps, threshold 0.70) and `FrozenLake8x8-v1` (8x8, 200
    /// steps, threshold 0.85), as Gymnasium registers them.
    public static let specs: [EnvironmentSpec] = [
        EnvironmentSpec(id: "FrozenLake-v1", rewardThreshold: 0.70, maxEpisodeSteps: 100, options: options(mapName: "4x4"),
                        summary: "cross a slippery 4x4 frozen lake to the goal without falling into a hole") { options in
            try make(options, mapName: "4x4")
        },
        EnvironmentSpec(id: "FrozenLake8x8-v1", rewardThreshold: 0.85, maxEpisodeSteps: 200, options: options(mapName: "8x8"),
                        summary: "cross a slippery 8x8 frozen lake to the goal without falling into a hole") { options in
            try make(options, mapName: "8x8")
        },
    ]
}
