import Environments

/// A stand-in for a raw ALE game as the Gymnasium bridge gives it: `[210, 160, 3]` RGB
/// frames of Pong's background (red 144) with a 2x2 "ball" (red 236) moving with time, six
/// actions, `info["lives"]` falling from 3 every 7 frames (never to 0), and the game over
/// after `gameLength` frames. Every fourth frame rewards +1 for action 2 and −1 otherwise,
/// so there is something to learn. Cheap enough to run conv presets for a few steps.
final class FakeALE: Environment {
    let observationSpace: Space = .box(low: 0, high: 255, shape: [210, 160, 3], scalarType: .uint8)
    let actionSpace: Space = .discrete(6)
    var id: String { "ALE/FakePong-v5" }
    let gameLength: Int
    private(set) var t = 0
    private(set) var frames = 0
    private var offset = 0
    private var done = true
    private let background: [UInt8]

    init(gameLength: Int = 12) {
        self.gameLength = gameLength
        var pixels = [UInt8](repeating: 0, count: 210 * 160 * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) { (pixels[i], pixels[i + 1], pixels[i + 2]) = (144, 72, 17) }
        background = pixels
    }

    var lives: Int { max(1, 3 - t / 7) }

    func observation() -> Observation {
        var pixels = background
        let row = 35 + (3 * t + offset) % 158, column = (5 * t + 2 * offset) % 158
        for (dr, dc) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            let i = ((row + dr) * 160 + column + dc) * 3
            (pixels[i], pixels[i + 1], pixels[i + 2]) = (236, 236, 236)
        }
        return .uint8(pixels, shape: [210, 160, 3])
    }

    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        t = 0
        done = false
        if let seed { offset = Int(seed % 50) }
        return (observation(), ["lives": .int(lives)])
    }

    func step(_ action: Action) throws -> Step {
        guard !done else { throw EnvironmentError.stepAfterDone(id: id) }
        guard let a = action.discreteValue, (0..<6).contains(a) else {
            throw EnvironmentError.invalidAction(id: id, reason: "\(action) is not in Discrete(6)")
        }
        t += 1
        frames += 1
        done = t >= gameLength
        let reward: Double = t % 4 == 0 ? (a == 2 ? 1 : -1) : 0
        return Step(observation: observation(), reward: reward, terminated: done, truncated: false, info: ["lives": .int(lives)])
    }
}
