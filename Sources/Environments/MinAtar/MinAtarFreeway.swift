/// MinAtar Freeway (minatar/environments/freeway.py): walk the chicken from the bottom to
/// the top across eight lanes of cars, +1 per crossing. A car sends the chicken back to the
/// bottom; the chicken moves at most every third frame; each crossing redraws the cars'
/// speeds and directions. The episode ends (terminated) after 2501 frames.
///
/// Observation: `[10, 10, 7]` bytes, channels chicken, car, and speed1 ... speed5: a trail
/// behind each car whose channel says how many frames it waits between moves.
public final class MinAtarFreeway: Environment {
    private static let playerSpeed = 3
    private static let timeLimit = 2500

    private struct Car {
        var x: Int
        var y: Int
        var timer: Int
        /// Frames between moves, negative when moving left.
        var speed: Int
    }

    private var core: MinAtarCore
    private var cars = [Car](repeating: Car(x: 0, y: 0, timer: 0, speed: 1), count: 8)
    private var pos = 9
    private var moveTimer = 0
    private var terminateTimer = 0
    /// Pixels per cell side in rendered frames.
    public let renderScale: Int

    /// - Parameters:
    ///   - minimalActionSet: use the game's minimal action set as the `-v1` id does
    ///     (``MinAtarGame/minimalActionSet``), instead of all six actions.
    ///   - stickyActionProbability: chance that the previous action repeats (the package's
    ///     `sticky_action_prob`, 0.1).
    public init(minimalActionSet: Bool = false, stickyActionProbability: Double = 0.1, renderMode: RenderMode? = nil,
                renderScale: Int = MinAtar.defaultRenderScale) {
        precondition(renderScale > 0, "MinAtarFreeway: renderScale must be positive, got \(renderScale)")
        core = MinAtarCore(game: .freeway, minimalActionSet: minimalActionSet,
                           stickyActionProbability: stickyActionProbability, difficultyRamping: false, renderMode: renderMode)
        self.renderScale = renderScale
    }

    public var observationSpace: Space { core.observationSpace }
    public var actionSpace: Space { core.actionSpace }
    public var id: String { core.id }
    public var renderMode: RenderMode? { core.renderMode }

    /// `_randomize_cars`: eight speeds from 1 ... 5, then eight directions (the sign of a
    /// uniform draw minus one half), in the package's order of draws.
    private func randomizeCars(initialize: Bool) {
        var speeds = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &speeds) { raw in
            let s = raw.bindMemory(to: Int.self)
            for i in 0..<8 { s[i] = 1 + core.random.int(below: 5) }
            for i in 0..<8 where core.random.uniformDouble() < 0.5 { s[i] = -s[i] }
            for i in 0..<8 {
                if initialize { cars[i] = Car(x: 0, y: i + 1, timer: abs(s[i]), speed: s[i]) }
                else {
                    cars[i].timer = abs(s[i])
                    cars[i].speed = s[i]
                }
            }
        }
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        core.beginReset(seed: seed)
        randomizeCars(initialize: true)
        pos = 9
        moveTimer = Self.playerSpeed
        terminateTimer = Self.timeLimit
        draw()
        return (.uint8(core.observation, shape: core.observationShape), Info())
    }

    public func step(_ action: Action) throws -> Step {
        let a = try core.gameAction(for: action)
        var reward = 0.0
        if a == 2 && moveTimer == 0 {
            moveTimer = Self.playerSpeed
            pos = max(0, pos - 1)
        } else if a == 4 && moveTimer == 0 {
            moveTimer = Self.playerSpeed
            pos = min(9, pos + 1)
        }
        if pos == 0 {
            reward += 1
            randomizeCars(initialize: false)
            pos = 9
        }
        for i in 0..<8 {
            // The chicken walks in column 4.
            if cars[i].x == 4 && cars[i].y == pos { pos = 9 }
            if cars[i].timer == 0 {
                cars[i].timer = abs(cars[i].speed)
                cars[i].x += cars[i].speed > 0 ? 1 : -1
                if cars[i].x < 0 { cars[i].x = 9 } else if cars[i].x > 9 { cars[i].x = 0 }
                if cars[i].x == 4 && cars[i].y == pos { pos = 9 }
            } else {
                cars[i].timer -= 1
            }
        }
        if moveTimer > 0 { moveTimer -= 1 }
        terminateTimer -= 1
        if terminateTimer < 0 { core.terminal = true }
        draw()
        return Step(observation: .uint8(core.observation, shape: core.observationShape), reward: reward,
                    terminated: core.terminal, truncated: false)
    }

    private func draw() {
        core.clearObservation()
        core.observation[core.index(pos, 4, 0)] = 1
        for car in cars {
            core.observation[core.index(car.y, car.x, 1)] = 1
            var back = car.speed > 0 ? car.x - 1 : car.x + 1
            if back < 0 { back = 9 } else if back > 9 { back = 0 }
            core.observation[core.index(car.y, back, 1 + abs(car.speed))] = 1
        }
    }

    public func render() throws -> Frame { try core.frame(scale: renderScale) }
}
