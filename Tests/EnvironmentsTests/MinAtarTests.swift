import Foundation
import XCTest
import Environments
import Randomness

/// A trajectory recorded from pip `minatar` by Generators/record_minatar.py.
private struct MinAtarReplay: Decodable {
    let id: String
    let ramping: Bool
    let actions: [Int]
    let rewards: [Int]
    /// FNV-1a hashes of the reset observation and of every step's observation.
    let hashes: [UInt32]
    let terminated: Bool
    let ballX: Int?
    let ballDirection: Int?
    /// Bit-packed (numpy `packbits`) hex of the same observations, for some episodes.
    let observations: [String]?
    let rampIndex: Int?

    enum CodingKeys: String, CodingKey {
        case id, ramping, actions, rewards, hashes, terminated, observations
        case ballX = "ball_x", ballDirection = "ball_dir", rampIndex = "ramp_index"
    }
}

/// Consecutive episodes recorded from pip `minatar` with its generator replaced by a port of
/// ours, reset with `seed` once.
private struct MinAtarStream: Decodable {
    struct Episode: Decodable {
        let actions: [Int]
        let rewards: [Int]
        let hashes: [UInt32]
        let terminated: Bool
    }
    let id: String
    let seed: UInt64
    let episodes: [Episode]
}

/// Episode statistics of a fixed policy in pip `minatar`.
private struct MinAtarStatistics: Decodable {
    let id: String
    /// Always this action, or nil for the random policy.
    let action: Int?
    /// The random policy fires (action 5) with this probability, else acts uniformly.
    let fire: Double
    let episodes: Int
    let returnMean, returnStd, lengthMean, lengthStd: Double

    enum CodingKeys: String, CodingKey {
        case id, action, fire, episodes
        case returnMean = "return_mean", returnStd = "return_std", lengthMean = "length_mean", lengthStd = "length_std"
    }
}

final class MinAtarTests: XCTestCase {
    private let registry = Registry(specs: MinAtar.specs)

    private func fixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    private func bytes(_ observation: Observation) -> [UInt8] {
        guard case let .uint8(values, _) = observation else {
            XCTFail("MinAtar observations are uint8, got \(observation)")
            return []
        }
        return values
    }

    private func fnv1a(_ observation: Observation) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes(observation) { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        return hash
    }

    private func unpack(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8).map { UInt8(Int(String(UnicodeScalar($0)), radix: 16)!) }
        var bits: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            let byte = digits[i] << 4 | digits[i + 1]
            for bit in stride(from: 7, through: 0, by: -1) { bits.append((byte >> UInt8(bit)) & 1) }
        }
        return bits
    }

    /// Replays every recorded trajectory of `prefix` (sticky actions off) and compares every
    /// observation, reward and terminal flag with the package's.
    private func replay(_ prefix: String, prepare: (any Environment, MinAtarReplay) throws -> Observation?) throws -> Int {
        let replays = try fixture("minatar_replays.json", as: [MinAtarReplay].self).filter { $0.id.hasPrefix(prefix) }
        XCTAssertFalse(replays.isEmpty)
        var steps = 0
        for (n, record) in replays.enumerated() {
            let env = try registry.make(record.id, options: ["sticky_action_prob": "0",
                                                              "difficulty_ramping": "\(record.ramping)"])
            var observation = try env.reset(seed: UInt64(n)).observation
            if let replaced = try prepare(env, record) { observation = replaced }
            XCTAssertEqual(fnv1a(observation), record.hashes[0], "\(record.id) episode \(n): reset observation")
            if let packed = record.observations { XCTAssertEqual(bytes(observation), unpack(packed[0])) }
            for (t, action) in record.actions.enumerated() {
                let step = try env.step(.discrete(action))
                if let packed = record.observations {
                    XCTAssertEqual(bytes(step.observation), unpack(packed[t + 1]), "\(record.id) episode \(n) step \(t)")
                }
                guard fnv1a(step.observation) == record.hashes[t + 1], step.reward == Double(record.rewards[t]),
                      step.terminated == (record.terminated && t == record.actions.count - 1), !step.truncated else {
                    XCTFail("\(record.id) episode \(n) diverges at step \(t): reward \(step.reward) vs \(record.rewards[t]), "
                            + "terminated \(step.terminated)")
                    return steps
                }
                steps += 1
            }
            if let ramp = record.rampIndex, let invaders = env.unwrapped as? MinAtarSpaceInvaders {
                XCTAssertEqual(invaders.rampIndex, ramp, "\(record.id) episode \(n): difficulty ramp")
            }
            if record.terminated {
                XCTAssertThrowsError(try env.step(.discrete(0))) { error in
                    XCTAssertEqual(error as? EnvironmentError, .stepAfterDone(id: record.id))
                }
            }
        }
        return steps
    }

    func testBreakoutMatchesPackageExactly() throws {
        let steps = try replay("MinAtar/Breakout") { env, record in
            let breakout = try XCTUnwrap(env.unwrapped as? MinAtarBreakout)
            // The package's reset draws the ball's side from its own generator; take its draw.
            var state = breakout.gameState
            state.ballX = try XCTUnwrap(record.ballX)
            state.ballDirection = try XCTUnwrap(record.ballDirection)
            state.lastX = state.ballX
            return try breakout.setGameState(state)
        }
        XCTAssertGreaterThan(steps, 2000)
    }

    func testSpaceInvadersMatchesPackageExactly() throws {
        // The game draws no random numbers, so with sticky actions off no state needs setting;
        // the recorded episodes include a cleared wave with and without difficulty ramping.
        let steps = try replay("MinAtar/SpaceInvaders") { _, _ in nil }
        XCTAssertGreaterThan(steps, 1500)
    }

    /// Every game, with the package's defaults (sticky actions 0.1, ramping on), replays
    /// exactly when the package draws from a port of our generator (record_minatar.py's
    /// `SwiftRandom`): the same draws in the same order give the same spawns, car speeds,
    /// starting sides and sticky repeats.
    func testEveryGameMatchesPackageDrawingOurRandomNumbers() throws {
        var covered = Set<String>()
        for stream in try fixture("minatar_streams.json", as: [MinAtarStream].self) {
            let env = try registry.make(stream.id)
            for (n, episode) in stream.episodes.enumerated() {
                let observation = try env.reset(seed: n == 0 ? stream.seed : nil).observation
                XCTAssertEqual(fnv1a(observation), episode.hashes[0], "\(stream.id) episode \(n): reset observation")
                for (t, action) in episode.actions.enumerated() {
                    let step = try env.step(.discrete(action))
                    guard fnv1a(step.observation) == episode.hashes[t + 1], step.reward == Double(episode.rewards[t]),
                          step.terminated == (episode.terminated && t == episode.actions.count - 1) else {
                        return XCTFail("\(stream.id) seed \(stream.seed) episode \(n) diverges at step \(t): reward \(step.reward) vs "
                                       + "\(episode.rewards[t]), terminated \(step.terminated)")
                    }
                }
            }
            covered.insert(String(stream.id.dropLast(3)))
        }
        XCTAssertEqual(covered.count, MinAtarGame.allCases.count)
    }

    /// The games with random spawns match the package's return and length statistics under
    /// the same policy, with the default sticky actions and ramping.
    func testPolicyStatisticsMatchPackage() throws {
        for target in try fixture("minatar_statistics.json", as: [MinAtarStatistics].self) {
            let env = try registry.make(target.id)
            var policy = RandomGenerator(seed: 99)
            var returns: [Double] = [], lengths: [Double] = []
            let episodes = max(target.episodes, 1000)
            _ = try env.reset(seed: 12345)
            for _ in 0..<episodes {
                var total = 0.0, length = 0.0
                while true {
                    let action = target.action ?? (policy.uniformDouble() < target.fire ? 5 : policy.int(below: 6))
                    let step = try env.step(.discrete(action))
                    total += step.reward
                    length += 1
                    if step.isDone { break }
                }
                returns.append(total)
                lengths.append(length)
                _ = try env.reset()
            }
            for (name, values, mean, std) in [("return", returns, target.returnMean, target.returnStd),
                                              ("length", lengths, target.lengthMean, target.lengthStd)] {
                let ours = values.reduce(0, +) / Double(values.count)
                let ourStd = (values.map { ($0 - ours) * ($0 - ours) }.reduce(0, +) / Double(values.count)).squareRoot()
                let standardError = (std * std / Double(target.episodes) + ourStd * ourStd / Double(values.count)).squareRoot()
                XCTAssertLessThanOrEqual(abs(ours - mean), 4.5 * standardError + 1e-9,
                                         "\(target.id) action \(target.action.map(String.init) ?? "random, fire \(target.fire)"): mean \(name) \(ours) vs package \(mean)")
                XCTAssertEqual(ourStd, std, accuracy: 0.25 * std + 1e-9, "\(target.id): \(name) spread")
            }
        }
    }

    func testSameSeedSameTrajectory() throws {
        for game in MinAtarGame.allCases {
            func run(seed: UInt64) throws -> [UInt32] {
                let env = MinAtar.make(game)
                var actions = RandomGenerator(seed: 5)
                var trace = [fnv1a(try env.reset(seed: seed).observation)]
                for _ in 0..<3000 {
                    let step = try env.step(.discrete(actions.int(below: 6)))
                    trace.append(fnv1a(step.observation) &+ UInt32(step.reward))
                    if step.terminated { trace.append(fnv1a(try env.reset().observation)) }
                }
                return trace
            }
            XCTAssertEqual(try run(seed: 7), try run(seed: 7), "\(game)")
            XCTAssertNotEqual(try run(seed: 7), try run(seed: 8), "\(game)")
        }
    }

    /// With probability p the previous game action replaces the chosen one (the package's
    /// `Environment.act`). Alternating left and right in Breakout makes every repeat visible
    /// as a paddle moving the wrong way.
    func testStickyActionsRepeatThePreviousAction() throws {
        for (probability, expected) in [(0.0, 0.0), (0.1, 0.1), (0.5, 0.5)] {
            let env = MinAtarBreakout(minimalActionSet: true, stickyActionProbability: probability)
            _ = try env.reset(seed: 3)
            var wrongWay = 0, counted = 0
            for t in 0..<20000 {
                var state = env.gameState
                state.ballX = 0; state.ballY = 5; state.ballDirection = 1; state.lastX = 0; state.lastY = 5
                try env.setGameState(state)  // keeps the ball in play
                let before = env.gameState.paddleX
                let action = t % 2 == 0 ? 1 : 2  // left, right (minimal set: no-op, left, right)
                let step = try env.step(.discrete(action))
                XCTAssertFalse(step.terminated)
                let moved = env.gameState.paddleX - before
                guard before > 0 && before < 9 else { continue }
                counted += 1
                if moved != (action == 1 ? -1 : 1) { wrongWay += 1 }
            }
            // A repeat only shows when the previous applied action differs from the chosen one.
            let rate = Double(wrongWay) / Double(counted)
            // Wrong way at t needs a repeat and a previous step that was not one: w = p (1 - w).
            let predicted = expected / (1 + expected)
            XCTAssertEqual(rate, predicted, accuracy: expected == 0 ? 0 : 0.02, "p = \(probability)")
        }
    }

    func testInvalidUseThrows() throws {
        let env = try registry.make("MinAtar/Breakout-v1")
        XCTAssertThrowsError(try env.step(.discrete(0))) { error in
            XCTAssertEqual(error as? EnvironmentError, .stepBeforeReset(id: "MinAtar/Breakout-v1"))
        }
        _ = try env.reset(seed: 1)
        for bad: Action in [.discrete(3), .discrete(-1), .continuous([0]), .float32([.nan], shape: [1])] {
            XCTAssertThrowsError(try env.step(bad)) { error in
                guard case .invalidAction? = error as? EnvironmentError else { return XCTFail("\(error)") }
            }
        }
        XCTAssertNoThrow(try env.step(.discrete(2)))
        XCTAssertThrowsError(try registry.make("MinAtar/Breakout-v0", options: ["sticky_action_prob": "1.5"]))
        XCTAssertThrowsError(try registry.make("MinAtar/Breakout-v0", options: ["difficulty_ramping": "maybe"]))
        XCTAssertThrowsError(try registry.make("MinAtar/Breakout-v0", options: ["sticky": "0"]))
        let breakout = try XCTUnwrap(env.unwrapped as? MinAtarBreakout)
        var state = breakout.gameState
        state.ballX = 10
        XCTAssertThrowsError(try breakout.setGameState(state))
        XCTAssertThrowsError(try MinAtarBreakout().setGameState(breakout.gameState))
    }

    func testSpecsFollowThePackageRegistration() throws {
        XCTAssertEqual(MinAtar.specs.count, 10)
        for game in MinAtarGame.allCases {
            for (version, actions) in [(0, 6), (1, game.minimalActionSet.count)] {
                let id = "MinAtar/\(game.gymName)-v\(version)"
                let spec = try registry.spec(id)
                XCTAssertNil(spec.maxEpisodeSteps)
                let env = try registry.make(id)
                XCTAssertFalse(env is TimeLimit)
                XCTAssertEqual(env.id, id)
                XCTAssertEqual(env.actionSpace, .discrete(actions))
                XCTAssertEqual(env.observationSpace, .box(low: 0, high: 1, shape: [10, 10, game.channelCount], scalarType: .uint8))
                let observation = try env.reset(seed: 0).observation
                XCTAssertTrue(env.observationSpace.contains(observation))
            }
        }
        XCTAssertEqual(MinAtarGame.breakout.minimalActionSet, [0, 1, 3])
    }

    func testEnvironmentCheckerPassesEveryGame() throws {
        for spec in MinAtar.specs {
            let warnings = try checkEnvironment(try registry.make(spec.id, options: ["render_mode": "rgb_array"]), steps: 3000)
            XCTAssertEqual(warnings, [], spec.id)
        }
    }

    func testRenderPaintsChannelColours() throws {
        let env = MinAtarBreakout(renderMode: .rgbArray)
        _ = try env.reset(seed: 0)
        guard case let .rgb(pixels, height, width) = try env.render() else { return XCTFail("expected an RGB frame") }
        XCTAssertEqual([height, width, pixels.count], [160, 160, 160 * 160 * 3])
        func pixel(row: Int, column: Int) -> [UInt8] {
            let p = ((row * 16 + 8) * 160 + column * 16 + 8) * 3
            return Array(pixels[p ..< p + 3])
        }
        let palette = MinAtarGame.breakout.palette.map { [$0.red, $0.green, $0.blue] }
        XCTAssertEqual(pixel(row: 9, column: env.gameState.paddleX), palette[0])
        XCTAssertEqual(pixel(row: 1, column: 5), palette[3])
        XCTAssertEqual(pixel(row: 7, column: 5), [0, 0, 0])
        // The ball starts inside the brick rows; where channels overlap the highest (brick) is drawn.
        XCTAssertEqual(pixel(row: 3, column: env.gameState.ballX), palette[3])
        var state = env.gameState
        state.ballX = 6; state.ballY = 6; state.lastX = 5; state.lastY = 5
        try env.setGameState(state)
        guard case let .rgb(moved, _, _) = try env.render() else { return XCTFail("expected an RGB frame") }
        XCTAssertEqual(Array(moved[((6 * 16) * 160 + 6 * 16) * 3 ..< ((6 * 16) * 160 + 6 * 16) * 3 + 3]), palette[1])
        XCTAssertEqual(Array(moved[((5 * 16 + 15) * 160 + 5 * 16 + 15) * 3 ..< ((5 * 16 + 15) * 160 + 5 * 16 + 15) * 3 + 3]), palette[2])
        XCTAssertThrowsError(try MinAtarBreakout().render())
    }

    /// Not a timed assertion: prints steps per second of Breakout under random actions, per
    /// second of this thread's CPU time (the wall clock of a shared machine says little).
    func testBreakoutThroughput() throws {
        func cpuSeconds() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        let env = MinAtarBreakout(stickyActionProbability: 0.1)
        _ = try env.reset(seed: 0)
        var actions = RandomGenerator(seed: 1)
        let steps = 20_000_000
        var total = 0.0
        let start = DispatchTime.now().uptimeNanoseconds, startCPU = cpuSeconds()
        for _ in 0..<steps {
            let step = try env.step(.discrete(actions.int(below: 6)))
            total += step.reward
            if step.terminated { _ = try env.reset() }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("MinAtar Breakout: \(Int(Double(steps) / (cpuSeconds() - startCPU))) steps per CPU second, "
              + "\(Int(Double(steps) / seconds)) per wall second (\(total) reward)")
    }
}
