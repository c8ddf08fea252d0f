/// MinAtar SpaceInvaders (minatar/environments/space_invaders.py): shoot the aliens (+1 each)
/// as they sweep sideways and step down; they shoot back at the cannon. The episode ends when
/// an alien or an alien bullet reaches the cannon. Each cleared wave comes back one move
/// interval faster when difficulty ramping is on (from 12 frames down to 6).
///
/// Observation: `[10, 10, 6]` bytes, channels cannon, alien, alien_left, alien_right,
/// friendly_bullet, enemy_bullet. The game itself is deterministic: only sticky actions draw
/// random numbers.
public final class MinAtarSpaceInvaders: Environment {
    private static let shotCoolDown = 5
    private static let enemyMoveInterval = 12
    private static let enemyShotInterval = 10

    private var core: MinAtarCore
    private var pos = 5
    /// Row-major 10x10 maps of 0/1.
    private var aliens = [UInt8](repeating: 0, count: 100)
    private var friendlyBullets = [UInt8](repeating: 0, count: 100)
    private var enemyBullets = [UInt8](repeating: 0, count: 100)
    private var alienDirection = -1
    private var enemyMoveInterval = MinAtarSpaceInvaders.enemyMoveInterval
    private var alienMoveTimer = 0, alienShotTimer = 0, shotTimer = 0
    /// Waves cleared with ramping on (the package's `ramp_index`).
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
        precondition(renderScale > 0, "MinAtarSpaceInvaders: renderScale must be positive, got \(renderScale)")
        core = MinAtarCore(game: .spaceInvaders, minimalActionSet: minimalActionSet,
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
        pos = 5
        for i in 0..<100 {
            friendlyBullets[i] = 0
            enemyBullets[i] = 0
            aliens[i] = 0
        }
        spawnWave()
        alienDirection = -1
        enemyMoveInterval = Self.enemyMoveInterval
        alienMoveTimer = enemyMoveInterval
        alienShotTimer = Self.enemyShotInterval
        rampIndex = 0
        shotTimer = 0
        draw()
        return (.uint8(core.observation, shape: core.observationShape), Info())
    }

    private func spawnWave() {
        for y in 0..<4 { for x in 2..<8 { aliens[y * 10 + x] = 1 } }
    }

    public func step(_ action: Action) throws -> Step {
        let a = try core.gameAction(for: action)
        var reward = 0.0
        if a == 5 && shotTimer == 0 {
            friendlyBullets[90 + pos] = 1
            shotTimer = Self.shotCoolDown
        } else if a == 1 {
            pos = max(0, pos - 1)
        } else if a == 3 {
            pos = min(9, pos + 1)
        }
        // np.roll(-1, axis 0) then clearing row 9: bullets move up, those on row 0 leave.
        for i in 0..<90 { friendlyBullets[i] = friendlyBullets[i + 10] }
        for i in 90..<100 { friendlyBullets[i] = 0 }
        // np.roll(1, axis 0) then clearing row 0: bullets move down, those on row 9 leave.
        for i in stride(from: 99, through: 10, by: -1) { enemyBullets[i] = enemyBullets[i - 10] }
        for i in 0..<10 { enemyBullets[i] = 0 }
        if enemyBullets[90 + pos] != 0 { core.terminal = true }

        if aliens[90 + pos] != 0 { core.terminal = true }
        if alienMoveTimer == 0 {
            var count = 0, leftEdge = false, rightEdge = false, bottom = false
            for i in 0..<100 where aliens[i] != 0 {
                count += 1
                if i % 10 == 0 { leftEdge = true }
                if i % 10 == 9 { rightEdge = true }
                if i >= 90 { bottom = true }
            }
            alienMoveTimer = min(count, enemyMoveInterval)
            if (leftEdge && alienDirection < 0) || (rightEdge && alienDirection > 0) {
                alienDirection = -alienDirection
                if bottom { core.terminal = true }
                // np.roll(1, axis 0): down one row, the bottom row wrapping to the top.
                for x in 0..<10 {
                    let bottom = aliens[90 + x]
                    for y in stride(from: 9, through: 1, by: -1) { aliens[y * 10 + x] = aliens[(y - 1) * 10 + x] }
                    aliens[x] = bottom
                }
            } else {
                // np.roll(dir, axis 1), wrapping around as numpy does.
                for y in 0..<10 {
                    let row = y * 10
                    if alienDirection < 0 {
                        let first = aliens[row]
                        for x in 0..<9 { aliens[row + x] = aliens[row + x + 1] }
                        aliens[row + 9] = first
                    } else {
                        let last = aliens[row + 9]
                        for x in stride(from: 9, through: 1, by: -1) { aliens[row + x] = aliens[row + x - 1] }
                        aliens[row] = last
                    }
                }
            }
            if aliens[90 + pos] != 0 { core.terminal = true }
        }
        if alienShotTimer == 0 {
            alienShotTimer = Self.enemyShotInterval
            // `_nearest_alien`: columns by distance from the cannon (ties: the left one, as
            // the stable sort keeps), the lowest alien of the first non-empty column.
            search: for distance in 0..<10 {
                for side in 0 ..< (distance == 0 ? 1 : 2) {
                    let x = side == 0 ? pos - distance : pos + distance
                    guard x >= 0 && x <= 9 else { continue }
                    for y in stride(from: 9, through: 0, by: -1) where aliens[y * 10 + x] != 0 {
                        enemyBullets[y * 10 + x] = 1
                        break search
                    }
                }
            }
        }
        var remaining = 0
        for i in 0..<100 where aliens[i] != 0 {
            if friendlyBullets[i] != 0 {
                reward += 1
                aliens[i] = 0
                friendlyBullets[i] = 0
            } else {
                remaining += 1
            }
        }
        if shotTimer > 0 { shotTimer -= 1 }
        alienMoveTimer -= 1
        alienShotTimer -= 1
        if remaining == 0 {
            if enemyMoveInterval > 6 && core.difficultyRamping {
                enemyMoveInterval -= 1
                rampIndex += 1
            }
            spawnWave()
        }
        draw()
        return Step(observation: .uint8(core.observation, shape: core.observationShape), reward: reward,
                    terminated: core.terminal, truncated: false)
    }

    private func draw() {
        core.observation.withUnsafeMutableBufferPointer { obs in
            let directionChannel = alienDirection < 0 ? 2 : 3
            for i in 0..<100 {
                let base = i * 6
                let alien = aliens[i]
                obs[base] = 0
                obs[base + 1] = alien
                obs[base + 2] = directionChannel == 2 ? alien : 0
                obs[base + 3] = directionChannel == 3 ? alien : 0
                obs[base + 4] = friendlyBullets[i]
                obs[base + 5] = enemyBullets[i]
            }
            obs[(90 + pos) * 6] = 1
        }
    }

    public func render() throws -> Frame { try core.frame(scale: renderScale) }
}
