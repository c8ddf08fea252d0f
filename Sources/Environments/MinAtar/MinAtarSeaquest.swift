/// MinAtar Seaquest (minatar/environments/seaquest.py): a two-cell submarine shoots fish and
/// enemy submarines (+1 each), picks up divers, and must surface before its oxygen runs out.
/// Surfacing with six divers pays one point per tenth of oxygen left; surfacing with none,
/// running out of oxygen, or touching an enemy or enemy bullet ends the episode. With
/// difficulty ramping, each surfacing speeds up enemy spawning (and on odd ramps, movement).
///
/// Observation: `[10, 10, 10]` bytes, channels sub_front, sub_back, friendly_bullet, trail,
/// enemy_bullet, enemy_fish, enemy_sub, oxygen_guage, diver_guage, diver.
///
/// Quirks of the package kept on purpose, since its published results include them: a
/// submarine removed in a step still fires if its shot timer is due; surfacing with six
/// divers leaves the diver count at -1, so the next surfacing does not end the episode.
public final class MinAtarSeaquest: Environment {
    private static let maxOxygen = 200
    private static let initialSpawnSpeed = 20
    private static let diverSpawnSpeed = 30
    private static let initialMoveInterval = 5
    private static let shotCoolDown = 5
    private static let enemyShotInterval = 10
    private static let diverMoveInterval = 5

    /// A bullet, fish, submarine or diver: position, direction, move timer (and shot timer).
    private struct Mover: Equatable {
        var x: Int
        var y: Int
        var right: Bool
        var timer = 0
        var shotTimer = 0
    }

    private var core: MinAtarCore
    private var oxygen = 0, diverCount = 0, subX = 5, subY = 0
    private var facingRight = false
    private var friendlyBullets: [Mover] = []
    private var enemyBullets: [Mover] = []
    private var fish: [Mover] = []
    private var subs: [Mover] = []
    private var divers: [Mover] = []
    private var enemySpawnSpeed = 0, enemySpawnTimer = 0, diverSpawnTimer = 0, moveSpeed = 0, shotTimer = 0
    private var surfaced = true
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
        precondition(renderScale > 0, "MinAtarSeaquest: renderScale must be positive, got \(renderScale)")
        core = MinAtarCore(game: .seaquest, minimalActionSet: minimalActionSet,
                           stickyActionProbability: stickyActionProbability, difficultyRamping: difficultyRamping,
                           renderMode: renderMode)
        self.renderScale = renderScale
        for list in [\MinAtarSeaquest.friendlyBullets, \.enemyBullets, \.fish, \.subs, \.divers] {
            self[keyPath: list].reserveCapacity(32)
        }
    }

    public var observationSpace: Space { core.observationSpace }
    public var actionSpace: Space { core.actionSpace }
    public var id: String { core.id }
    public var renderMode: RenderMode? { core.renderMode }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        core.beginReset(seed: seed)
        oxygen = Self.maxOxygen
        diverCount = 0
        subX = 5
        subY = 0
        facingRight = false
        friendlyBullets.removeAll(keepingCapacity: true)
        enemyBullets.removeAll(keepingCapacity: true)
        fish.removeAll(keepingCapacity: true)
        subs.removeAll(keepingCapacity: true)
        divers.removeAll(keepingCapacity: true)
        enemySpawnSpeed = Self.initialSpawnSpeed
        enemySpawnTimer = enemySpawnSpeed
        diverSpawnTimer = Self.diverSpawnSpeed
        moveSpeed = Self.initialMoveInterval
        rampIndex = 0
        shotTimer = 0
        surfaced = true
        draw()
        return (.uint8(core.observation, shape: core.observationShape), Info())
    }

    private func atSub(_ m: Mover) -> Bool { m.x == subX && m.y == subY }

    /// `_spawn_enemy`: side, kind, row 1 ... 8; nothing if an enemy in that row moves the
    /// other way.
    private func spawnEnemy() {
        let right = core.random.uniformDouble() < 0.5
        let isSub = core.random.uniformDouble() < 1.0 / 3.0
        let y = 1 + core.random.int(below: 8)
        if subs.contains(where: { $0.y == y && $0.right != right }) || fish.contains(where: { $0.y == y && $0.right != right }) {
            return
        }
        let enemy = Mover(x: right ? 0 : 9, y: y, right: right, timer: moveSpeed, shotTimer: Self.enemyShotInterval)
        if isSub { subs.append(enemy) } else { fish.append(enemy) }
    }

    private func spawnDiver() {
        let right = core.random.uniformDouble() < 0.5
        let y = 1 + core.random.int(below: 8)
        divers.append(Mover(x: right ? 0 : 9, y: y, right: right, timer: Self.diverMoveInterval))
    }

    /// Removes the first friendly bullet on `enemy`'s cell; true if there was one.
    private func shootDown(_ enemy: Mover) -> Bool {
        guard let hit = friendlyBullets.firstIndex(where: { $0.x == enemy.x && $0.y == enemy.y }) else { return false }
        friendlyBullets.remove(at: hit)
        return true
    }

    public func step(_ action: Action) throws -> Step {
        let a = try core.gameAction(for: action)
        var reward = 0.0
        if enemySpawnTimer == 0 {
            spawnEnemy()
            enemySpawnTimer = enemySpawnSpeed
        }
        if diverSpawnTimer == 0 {
            spawnDiver()
            diverSpawnTimer = Self.diverSpawnSpeed
        }
        switch a {
        case 5 where shotTimer == 0:
            friendlyBullets.append(Mover(x: subX, y: subY, right: facingRight))
            shotTimer = Self.shotCoolDown
        case 1:
            subX = max(0, subX - 1)
            facingRight = false
        case 3:
            subX = min(9, subX + 1)
            facingRight = true
        case 2: subY = max(0, subY - 1)
        case 4: subY = min(8, subY + 1)
        default: break
        }

        // The package walks its lists backwards (`reversed`), removing as it goes.
        var i = friendlyBullets.count - 1
        while i >= 0 {
            friendlyBullets[i].x += friendlyBullets[i].right ? 1 : -1
            let bullet = friendlyBullets[i]
            if bullet.x < 0 || bullet.x > 9 {
                friendlyBullets.remove(at: i)
            } else if let hit = fish.firstIndex(where: { $0.x == bullet.x && $0.y == bullet.y }) {
                fish.remove(at: hit)
                friendlyBullets.remove(at: i)
                reward += 1
            } else if let hit = subs.firstIndex(where: { $0.x == bullet.x && $0.y == bullet.y }) {
                subs.remove(at: hit)
                friendlyBullets.remove(at: i)
                reward += 1
            }
            i -= 1
        }

        i = divers.count - 1
        while i >= 0 {
            if atSub(divers[i]) && diverCount < 6 {
                divers.remove(at: i)
                diverCount += 1
            } else if divers[i].timer == 0 {
                divers[i].timer = Self.diverMoveInterval
                divers[i].x += divers[i].right ? 1 : -1
                if divers[i].x < 0 || divers[i].x > 9 {
                    divers.remove(at: i)
                } else if atSub(divers[i]) && diverCount < 6 {
                    divers.remove(at: i)
                    diverCount += 1
                }
            } else {
                divers[i].timer -= 1
            }
            i -= 1
        }

        i = subs.count - 1
        while i >= 0 {
            var sub = subs[i]
            var removed = false
            if atSub(sub) { core.terminal = true }
            if sub.timer == 0 {
                sub.timer = moveSpeed
                sub.x += sub.right ? 1 : -1
                if sub.x < 0 || sub.x > 9 {
                    removed = true
                } else if atSub(sub) {
                    core.terminal = true
                } else if shootDown(sub) {
                    removed = true
                    reward += 1
                }
            } else {
                sub.timer -= 1
            }
            // A removed submarine still fires this step, as in the package.
            if sub.shotTimer == 0 {
                sub.shotTimer = Self.enemyShotInterval
                enemyBullets.append(Mover(x: sub.x, y: sub.y, right: sub.right))
            } else {
                sub.shotTimer -= 1
            }
            if removed { subs.remove(at: i) } else { subs[i] = sub }
            i -= 1
        }

        i = enemyBullets.count - 1
        while i >= 0 {
            if atSub(enemyBullets[i]) { core.terminal = true }
            enemyBullets[i].x += enemyBullets[i].right ? 1 : -1
            if enemyBullets[i].x < 0 || enemyBullets[i].x > 9 {
                enemyBullets.remove(at: i)
            } else if atSub(enemyBullets[i]) {
                core.terminal = true
            }
            i -= 1
        }

        i = fish.count - 1
        while i >= 0 {
            if atSub(fish[i]) { core.terminal = true }
            if fish[i].timer == 0 {
                fish[i].timer = moveSpeed
                fish[i].x += fish[i].right ? 1 : -1
                if fish[i].x < 0 || fish[i].x > 9 {
                    fish.remove(at: i)
                } else if atSub(fish[i]) {
                    core.terminal = true
                } else if shootDown(fish[i]) {
                    fish.remove(at: i)
                    reward += 1
                }
            } else {
                fish[i].timer -= 1
            }
            i -= 1
        }

        if enemySpawnTimer > 0 { enemySpawnTimer -= 1 }
        if diverSpawnTimer > 0 { diverSpawnTimer -= 1 }
        if shotTimer > 0 { shotTimer -= 1 }
        if oxygen <= 0 { core.terminal = true }
        if subY > 0 {
            oxygen -= 1
            surfaced = false
        } else if !surfaced {
            if diverCount == 0 {
                core.terminal = true
            } else {
                reward += Double(surface())
            }
        }
        draw()
        return Step(observation: .uint8(core.observation, shape: core.observationShape), reward: reward,
                    terminated: core.terminal, truncated: false)
    }

    /// `_surface`.
    private func surface() -> Int {
        surfaced = true
        var reward = 0
        if diverCount == 6 {
            diverCount = 0
            reward = oxygen * 10 / Self.maxOxygen
        }
        oxygen = Self.maxOxygen
        diverCount -= 1
        if core.difficultyRamping && (enemySpawnSpeed > 1 || moveSpeed > 2) {
            if moveSpeed > 2 && rampIndex % 2 == 1 { moveSpeed -= 1 }
            if enemySpawnSpeed > 1 { enemySpawnSpeed -= 1 }
            rampIndex += 1
        }
        return reward
    }

    private func draw() {
        core.clearObservation()
        func set(_ y: Int, _ x: Int, _ c: Int) { core.observation[core.index(y, x, c)] = 1 }
        set(subY, subX, 0)
        set(subY, facingRight ? subX - 1 : subX + 1, 1)
        for x in 0 ..< max(0, oxygen) * 10 / Self.maxOxygen { set(9, x, 7) }
        if diverCount > 0 { for x in max(0, 9 - diverCount) ..< 9 { set(9, x, 8) } }
        for b in friendlyBullets { set(b.y, b.x, 2) }
        for b in enemyBullets { set(b.y, b.x, 4) }
        // Fish, submarines and divers leave a trail behind them.
        func setWithTrail(_ m: Mover, _ channel: Int) {
            set(m.y, m.x, channel)
            let back = m.right ? m.x - 1 : m.x + 1
            if back >= 0 && back <= 9 { set(m.y, back, 3) }
        }
        for m in fish { setWithTrail(m, 5) }
        for m in subs { setWithTrail(m, 6) }
        for m in divers { setWithTrail(m, 9) }
    }

    public func render() throws -> Frame { try core.frame(scale: renderScale) }
}
