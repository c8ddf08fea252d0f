import Randomness

/// What every MinAtar game shares: the action set, sticky actions, the episode bookkeeping
/// and the observation buffer. The package's `Environment` wrapper and gym `BaseEnv` do this
/// around each game's `Env` (minatar/environment.py, minatar/gym.py).
struct MinAtarCore {
    let game: MinAtarGame
    let id: String
    /// Agent action → game action (0 n, 1 l, 2 u, 3 r, 4 d, 5 f).
    let actionSet: [Int]
    let stickyActionProbability: Double
    let difficultyRamping: Bool
    let observationShape: [Int]
    let observationSpace: Space
    let actionSpace: Space
    let renderMode: RenderMode?
    /// Drives sticky actions and the game's own randomness, as the package shares one
    /// `RandomState` between them.
    var random = RandomGenerator(seed: MinAtar.defaultSeed)
    /// The previous game action. Like the package, it survives unseeded resets; a seeded
    /// reset restores the freshly made state (no-op) so that a seed fixes the trajectory.
    var lastAction = 0
    var started = false
    var terminal = false
    /// The current observation, `[10, 10, C]` row-major, rewritten in place.
    var observation: [UInt8]

    init(game: MinAtarGame, minimalActionSet: Bool, stickyActionProbability: Double, difficultyRamping: Bool,
         renderMode: RenderMode?) {
        precondition(stickyActionProbability >= 0 && stickyActionProbability <= 1,
                     "MinAtar: stickyActionProbability must lie in [0, 1], got \(stickyActionProbability)")
        self.game = game
        id = "MinAtar/\(game.gymName)-v\(minimalActionSet ? 1 : 0)"
        actionSet = minimalActionSet ? game.minimalActionSet : Array(0..<6)
        self.stickyActionProbability = stickyActionProbability
        self.difficultyRamping = difficultyRamping
        observationShape = [10, 10, game.channelCount]
        observationSpace = .box(low: 0, high: 1, shape: observationShape, scalarType: .uint8)
        actionSpace = .discrete(actionSet.count)
        self.renderMode = renderMode
        observation = Array(repeating: 0, count: 100 * game.channelCount)
    }

    mutating func beginReset(seed: UInt64?) {
        if let seed {
            random = RandomGenerator(seed: seed)
            lastAction = 0
        }
        started = true
        terminal = false
    }

    /// The game action to apply for `action`, after validation and sticky actions
    /// (`Environment.act`: with probability `sticky_action_prob` the previous action repeats).
    @inline(__always)
    mutating func gameAction(for action: Action) throws -> Int {
        guard started, !terminal else {
            throw started ? EnvironmentError.stepAfterDone(id: id) : EnvironmentError.stepBeforeReset(id: id)
        }
        guard case let .discrete(index) = action, index >= 0, index < actionSet.count else {
            throw EnvironmentError.invalidAction(id: id, reason: actionSpace.violation(of: action) ?? "\(action)")
        }
        var chosen = actionSet[index]
        // Drawn even when the probability is 0, as the package does, so a game's own draws
        // come out of the generator in the package's order whatever the setting.
        if random.uniformDouble() < stickyActionProbability { chosen = lastAction }
        lastAction = chosen
        return chosen
    }

    @inline(__always)
    func index(_ y: Int, _ x: Int, _ channel: Int) -> Int { (y * 10 + x) * observationShape[2] + channel }

    mutating func clearObservation() {
        for i in observation.indices { observation[i] = 0 }
    }

    /// The package's `rgb_array` picture, each cell a `scale` × `scale` square.
    func frame(scale: Int) throws -> Frame {
        guard renderMode == .rgbArray else {
            throw EnvironmentError.renderingUnavailable(id: id, reason:
                "make it with render_mode rgb_array (MinAtar renders only rgb_array)")
        }
        let channels = observationShape[2]
        let palette = game.palette
        let side = 10 * scale
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<10 {
            for x in 0..<10 {
                var top = -1
                for c in 0..<channels where observation[(y * 10 + x) * channels + c] != 0 { top = c }
                guard top >= 0 else { continue }
                let colour = palette[top]
                for py in y * scale ..< (y + 1) * scale {
                    for px in x * scale ..< (x + 1) * scale {
                        let p = (py * side + px) * 3
                        pixels[p] = colour.red
                        pixels[p + 1] = colour.green
                        pixels[p + 2] = colour.blue
                    }
                }
            }
        }
        return .rgb(pixels: pixels, height: side, width: side)
    }
}
