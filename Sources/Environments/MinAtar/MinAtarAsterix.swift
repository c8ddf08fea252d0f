/// MinAtar Asterix (minatar/environments/asterix.py): move in four directions between rows
/// 1 and 8 while enemies and gold cross the rows from the sides; +1 per gold picked up, and
/// the episode ends on touching an enemy. With difficulty ramping, every 100 frames spawning
/// gets faster (and on odd ramps, movement too).
///
/// Observation: `[10, 10, 4]` bytes, channels player, enemy, trail, gold.
public final class MinAtarAsterix: Environment {
    private static let rampInterval = 100
    private static let initialSpawnSpeed = 10
    private static let initialMoveInterval = 5

    private struct Entity {
        var x: Int
        /// Moving right.
        var right: Bool
        var gold: Bool
    }

    private var core: MinAtarCore
    private var playerX = 5, playerY = 5
    /// One slot per row 1 ... 8.
    private var entities = [Entity?](repeating: nil, count: 8)
    private var spawnSpeed = 0, spawnTimer = 0, moveSpeed = 0, moveTimer = 0, rampTimer = 0
    /// How many times the difficulty has ramped (the package's `ramp_index`).
    public private(set) var rampIndex = 0
    /// Pixels per cell side in rendered frames.
    public let renderScale: Int

    /// - Parameters:
    ///   - minimalActionSet: use the game's minimal action set as the `-v1` id does
    ///     (``MinAtarGame/minimalActionSet``), instead of all six actions.
    ///   - stickyActionProbability: chance that the previous action repeats (the package's
    ///     `sticky_action_prob`, 0.1).
    ///   - difficultyRamping: speed the game up as it goes (the package's `difficulty_ramping`).
    public init(minimalActionSet: Bool = false, stickyActionProbability: Double = 0.1, difficultyRamping: Bool = true,
                renderMode: RenderMode? = nil, renderScale: Int = MinAtar.defaultRenderScale) {
        precondition(renderScale > 0, "MinAtarAsterix: renderScale must be positive, got \(renderScale)")
        core = MinAtarCore(game: .asterix, minimalActionSet: minimalActionSet,
                           stickyActionProbability: stickyActionProbability, difficultyRamping: difficultyRamping,
                           renderMode: renderMode)
        self.renderScale = renderScale
    }

    public var observationSpace: Space { core.observationSpace }
    public var actionSpace: Space { core.actionSpace }
    public var id: String { core.id }
    public var renderMode: RenderMode? { core.renderMode }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        core.beginReset(seed: seed)
        playerX = 5
        playerY = 5
        for i in 0..<8 { entities[i] = nil }
        spawnSpeed = Self.initialSpawnSpeed
        spawnTimer = spawnSpeed
        moveSpeed = Self.initialMoveInterval
        moveTimer = moveSpeed
        rampTimer = Self.rampInterval
        rampIndex = 0
        draw()
        return (.uint8(core.observation, shape: core.observationShape), Info())
    }

    /// `_spawn_entity`: side, then gold, then a free row uniformly (nothing when all rows
    /// are taken, after the first two draws, as in the package).
    private func spawnEntity() {
        let right = core.random.uniformDouble() < 0.5
        let gold = core.random.uniformDouble() < 1.0 / 3.0
        var free = 0
        for slot in 0..<8 where entities[slot] == nil { free += 1 }
        guard free > 0 else { return }
        var pick = core.random.int(below: free)
        for slot in 0..<8 where entities[slot] == nil {
            if pick == 0 {
                entities[slot] = Entity(x: right ? 0 : 9, right: right, gold: gold)
                return
            }
            pick -= 1
        }
    }

    public func step(_ action: Action) throws -> Step {
        let a = try core.gameAction(for: action)
        var reward = 0.0
        if spawnTimer == 0 {
            spawnEntity()
            spawnTimer = spawnSpeed
        }
        switch a {
        case 1: playerX = max(0, playerX - 1)
        case 3: playerX = min(9, playerX + 1)
        case 2: playerY = max(1, playerY - 1)
        case 4: playerY = min(8, playerY + 1)
        default: break
        }
        for slot in 0..<8 {
            guard let entity = entities[slot], entity.x == playerX, slot + 1 == playerY else { continue }
            if entity.gold {
                entities[slot] = nil
                reward += 1
            } else {
                core.terminal = true
            }
        }
        if moveTimer == 0 {
            moveTimer = moveSpeed
            for slot in 0..<8 {
                guard var entity = entities[slot] else { continue }
                entity.x += entity.right ? 1 : -1
                if entity.x < 0 || entity.x > 9 {
                    entities[slot] = nil
                    continue
                }
                entities[slot] = entity
                if entity.x == playerX && slot + 1 == playerY {
                    if entity.gold {
                        entities[slot] = nil
                        reward += 1
                    } else {
                        core.terminal = true
                    }
                }
            }
        }
        spawnTimer -= 1
        moveTimer -= 1
        if core.difficultyRamping && (spawnSpeed > 1 || moveSpeed > 1) {
            if rampTimer >= 0 {
                rampTimer -= 1
            } else {
                if moveSpeed > 1 && rampIndex % 2 == 1 { moveSpeed -= 1 }
                if spawnSpeed > 1 { spawnSpeed -= 1 }
                rampIndex += 1
                rampTimer = Self.rampInterval
            }
        }
        draw()
        return Step(observation: .uint8(core.observation, shape: core.observationShape), reward: reward,
                    terminated: core.terminal, truncated: false)
    }

    private func draw() {
        core.clearObservation()
        core.observation[core.index(playerY, playerX, 0)] = 1
        for slot in 0..<8 {
            guard let entity = entities[slot] else { continue }
            core.observation[core.index(slot + 1, entity.x, entity.gold ? 3 : 1)] = 1
            let back = entity.right ? entity.x - 1 : entity.x + 1
            if back >= 0 && back <= 9 { core.observation[core.index(slot + 1, back, 2)] = 1 }
        }
    }

    public func render() throws -> Frame { try core.frame(scale: renderScale) }
}
