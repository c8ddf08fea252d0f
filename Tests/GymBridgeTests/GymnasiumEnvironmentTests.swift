import Environments
import Foundation
import GymBridge
import Randomness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The bridge against Gymnasium itself: recorded trajectories, ALE frames, translated
/// spaces, info and rendering.
final class GymnasiumEnvironmentTests: XCTestCase {
    private struct RecordedEpisodes: Decodable {
        struct Episode: Decodable {
            let options: [String: String]
            let initialState: [Double]
            let actions: [Double]
            let steps: [Int]
            let observations: [[Double]]
            let rewards: [Double]
            let terminated: [Bool]
            let truncated: [Bool]

            enum CodingKeys: String, CodingKey {
                case options, initialState = "initial_state", actions, steps, observations, rewards, terminated, truncated
            }
        }

        let episodes: [Episode]
    }

    /// Gymnasium's CartPole-v1 through the bridge replays the trajectories recorded from
    /// Gymnasium for the native tests (Tests/EnvironmentsTests/Fixtures), bit for bit: the
    /// episodes whose recorded start is the state `reset(seed: episode number)` gives.
    func testCartPoleTrajectoryThroughTheBridgeEqualsGymnasiumsRecording() throws {
        try GymTestSupport.requireGymnasium()
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../EnvironmentsTests/Fixtures/classic_control_CartPole-v1.json")
        let recorded = try JSONDecoder().decode(RecordedEpisodes.self, from: Data(contentsOf: url))
        let env = try GymnasiumEnvironment(id: "CartPole-v1")
        defer { env.close() }
        XCTAssertEqual(env.observationSpace.shape, [4])
        XCTAssertEqual(env.actionSpace, .discrete(2))
        XCTAssertEqual(env.maxEpisodeSteps, 500)
        XCTAssertEqual(env.rewardThreshold, 475)
        var replayed = 0
        var compared = 0
        for (number, episode) in recorded.episodes.enumerated() where episode.options.isEmpty {
            let (observation, _) = try env.reset(seed: UInt64(number))
            guard observation.floats == episode.initialState.map({ Float($0) }) else { continue }
            var next = 0
            for (t, action) in episode.actions.enumerated() {
                let step = try env.step(.discrete(Int(action)))
                guard next < episode.steps.count, episode.steps[next] == t else { continue }
                XCTAssertEqual(step.observation.floats, episode.observations[next].map { Float($0) }, "episode \(number) step \(t)")
                XCTAssertEqual(step.reward, episode.rewards[next])
                XCTAssertEqual(step.terminated, episode.terminated[next])
                XCTAssertEqual(step.truncated, episode.truncated[next])
                next += 1
                compared += 1
            }
            XCTAssertEqual(next, episode.steps.count)
            replayed += 1
        }
        XCTAssertGreaterThanOrEqual(replayed, 5, "too few recorded episodes start from reset(seed:)")
        XCTAssertGreaterThan(compared, 100)
    }

    /// ALE frames arrive byte-identical to what ale-py gives in Python for the same seed and
    /// actions (sticky actions included: v5 draws them from the seeded generator).
    func testALEFramesAreByteIdenticalToAlePy() throws {
        try GymTestSupport.requireGymnasium(ale: true)
        let steps = 120
        let actions = (0..<steps).map { ($0 * 7 + $0 / 5) % 4 }
        let script = """
            import sys
            import ale_py, gymnasium as gym, numpy as np
            gym.register_envs(ale_py)
            env = gym.make("ALE/Breakout-v5")
            frames, rewards, lives = [], [], []
            observation, info = env.reset(seed=11)
            frames.append(observation.tobytes())
            for action in [\(actions.map(String.init).joined(separator: ","))]:
                observation, reward, terminated, truncated, info = env.step(action)
                frames.append(observation.tobytes())
                rewards.append(reward)
                lives.append(info["lives"])
            open(sys.argv[1], "wb").write(b"".join(frames))
            print(repr((rewards, lives)))
            """
        let (expected, printed) = try GymTestSupport.runPython(script)

        let env = try GymnasiumEnvironment(id: "ALE/Breakout-v5")
        defer { env.close() }
        XCTAssertEqual(env.observationSpace, .box(low: 0, high: 255, shape: [210, 160, 3], scalarType: .uint8))
        XCTAssertEqual(env.actionSpace, .discrete(4))
        var frames = Data()
        var rewards: [Double] = []
        var lives: [Int] = []
        let (first, info) = try env.reset(seed: 11)
        XCTAssertEqual(info["lives"], .int(5))
        guard case let .uint8(pixels, _) = first else { return XCTFail("expected bytes, got \(first)") }
        frames.append(contentsOf: pixels)
        for action in actions {
            let step = try env.step(.discrete(action))
            guard case let .uint8(pixels, shape) = step.observation else { return XCTFail("expected bytes") }
            XCTAssertEqual(shape, [210, 160, 3])
            frames.append(contentsOf: pixels)
            rewards.append(step.reward)
            if case let .int(value)? = step.info["lives"] { lives.append(value) }
        }
        XCTAssertEqual(frames.count, expected.count)
        XCTAssertTrue(frames == expected, "bridged ALE frames differ from ale-py's")
        let pythonRewards = rewards.map { "\($0)" }.joined(separator: ", ")
        XCTAssertEqual(printed.trimmingCharacters(in: .whitespacesAndNewlines),
                       "([\(pythonRewards)], [\(lives.map(String.init).joined(separator: ", "))])")
    }

    /// Legacy Atari ids (Pong-v4, Pong-v0) are registered by ale-py, which the
    /// worker loads when Gymnasium does not know the id without it.
    func testLegacyAtariIDsLoadAlePy() throws {
        try GymTestSupport.requireGymnasium(ale: true)
        let env = try GymnasiumEnvironment(id: "Pong-v4")
        defer { env.close() }
        XCTAssertEqual(env.observationSpace.shape, [210, 160, 3])
        XCTAssertEqual(env.actionSpace, .discrete(6))
    }

    func testRenderGivesTheScreenAndSeedsRepeatEpisodes() throws {
        try GymTestSupport.requireGymnasium(ale: true)
        let env = try GymnasiumEnvironment(id: "ALE/Pong-v5", renderMode: .rgbArray)
        defer { env.close() }
        XCTAssertEqual(env.renderMode, .rgbArray)
        func episodeStart(seed: UInt64) throws -> [Observation] {
            var observations = [try env.reset(seed: seed).observation]
            for t in 0..<40 { observations.append(try env.step(.discrete(t % 6)).observation) }
            return observations
        }
        let first = try episodeStart(seed: 5)
        guard case let .rgb(pixels, height, width) = try env.render(), case let .uint8(screen, _) = first.last! else {
            return XCTFail("expected an RGB frame and byte observations")
        }
        XCTAssertEqual([height, width], [210, 160])
        XCTAssertEqual(pixels, screen)
        XCTAssertEqual(try episodeStart(seed: 5), first)
        let plain = try GymnasiumEnvironment(id: "ALE/Pong-v5")
        defer { plain.close() }
        XCTAssertThrowsError(try plain.render()) { error in
            XCTAssertTrue("\(error)".contains("render_mode"), "\(error)")
        }
    }

    /// Spaces become SwiftRL spaces; values cross in both directions, starts included, and
    /// numeric info entries come along while others stay behind.
    func testSpacesTranslateBothWays() throws {
        try GymTestSupport.requireGymnasium()
        let python = try GymTestSupport.interpreterWithTestEnvironments()
        func make(_ kind: String) throws -> GymnasiumEnvironment {
            try GymnasiumEnvironment(id: "swiftrl_test_envs:Spaces-v0", arguments: ["kind": .string(kind)], python: python)
        }

        let box = try make("box64")
        XCTAssertEqual(box.observationSpace, .box(low: [-2, -2, -2], high: [1, 2, 3], shape: [3], scalarType: .float32))
        XCTAssertEqual(box.actionSpace, .box(low: -1, high: 1, shape: [2]))
        let (start, info) = try box.reset(seed: 3)
        XCTAssertEqual(start, .float32([0.5, 1.5, 2.5], shape: [3]))
        XCTAssertNotNil(info["seed_draw"])
        XCTAssertNil(info["name"])
        var step = try box.step(.float32([0.25, -0.5], shape: [2]))
        XCTAssertEqual(step.reward, 0.25 - 1.0)
        XCTAssertEqual(step.info["t"], .int(1))
        XCTAssertEqual(step.info["half"], .double(0.5))
        XCTAssertEqual(step.info["flag"], .bool(false))
        XCTAssertEqual(try box.reset(seed: 3).info["seed_draw"], info["seed_draw"])
        XCTAssertThrowsError(try box.step(.float32([2, 0], shape: [2])), "outside the box") { error in
            XCTAssertEqual(error as? EnvironmentError, .invalidAction(id: box.id, reason: box.actionSpace.violation(of: .float32([2, 0], shape: [2]))!))
        }
        box.close()

        let multi = try make("multi_discrete")
        XCTAssertEqual(multi.observationSpace, .multiDiscrete([3, 4]))
        XCTAssertEqual(try multi.reset(seed: 0).observation, .multiDiscrete([0, 0]))
        step = try multi.step(.multiDiscrete([1, 4]))
        XCTAssertEqual(step.observation, .multiDiscrete([1, 1]))
        XCTAssertEqual(step.reward, 11 + 2 * 4, "Python adds the action space's start")
        multi.close()

        let binary = try make("multi_binary")
        XCTAssertEqual(binary.observationSpace, .multiDiscrete([2, 2, 2]))
        XCTAssertEqual(binary.actionSpace, .multiDiscrete([2, 2, 2, 2]))
        _ = try binary.reset(seed: 0)
        step = try binary.step(.multiDiscrete([1, 0, 0, 1]))
        XCTAssertEqual(step.observation, .multiDiscrete([1, 0, 1]))
        XCTAssertEqual(step.reward, 1 + 4)
        binary.close()

        let discrete = try make("discrete_start")
        XCTAssertEqual(discrete.observationSpace, .discrete(5, start: -2))
        XCTAssertEqual(discrete.actionSpace, .discrete(3, start: 1))
        XCTAssertEqual(try discrete.reset(seed: 0).observation, .discrete(-2))
        step = try discrete.step(.discrete(3))
        XCTAssertEqual(step.observation, .discrete(-1))
        XCTAssertEqual(step.reward, 3)
        XCTAssertThrowsError(try discrete.step(.discrete(0)))
        discrete.close()

        // 80x80 float64 images travel through shared memory as float32.
        let image = try make("image64")
        XCTAssertEqual(image.observationSpace, .box(low: 0, high: 1, shape: [80, 80]))
        func expectedImage(_ t: Int) -> Observation {
            .float32((0..<6400).map { Float(Double($0 % 97 + t) / 128) }, shape: [80, 80])
        }
        XCTAssertEqual(try image.reset(seed: 0).observation, expectedImage(0))
        XCTAssertEqual(try image.step(.discrete(1)).observation, expectedImage(1))
        XCTAssertEqual(try image.step(.discrete(0)).observation, expectedImage(2))
        image.close()

        XCTAssertThrowsError(try make("dict")) { error in
            guard case GymBridgeError.unsupportedSpace = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("flatten_observation=true"), "\(error)")
        }
        let flat = try GymnasiumEnvironment(id: "swiftrl_test_envs:Spaces-v0", arguments: ["kind": "dict"], python: python,
                                            flattenObservation: true)
        defer { flat.close() }
        XCTAssertEqual(flat.observationSpace.shape, [5])
        XCTAssertEqual(try flat.reset(seed: 0).observation, .float32([0.25, 0.75, 1, 0, 0], shape: [5]))
    }

    /// `sharesCallerCore` pins the calling thread and the worker to one core at the first
    /// request, on Linux.
    func testSharingTheCallersCorePinsBoth() throws {
        #if os(Linux)
        try GymTestSupport.requireGymnasium()
        final class Outcome: @unchecked Sendable { var affinities: (String, String)?; var error: (any Error)? }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Thread {
            do {
                let env = try GymnasiumEnvironment(id: "CartPole-v1", sharesCallerCore: true)
                defer { env.close() }
                _ = try env.reset(seed: 0)
                _ = try env.step(.discrete(0))
                func allowed(_ path: String) throws -> String {
                    let status = try String(contentsOfFile: path, encoding: .utf8)
                    return status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }.map {
                        $0.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces)
                    } ?? "?"
                }
                outcome.affinities = (try allowed("/proc/thread-self/status"), try allowed("/proc/\(env.workerProcessID)/status"))
            } catch {
                outcome.error = error
            }
            done.signal()
        }.start()
        done.wait()
        if let error = outcome.error { throw error }
        let (caller, worker) = try XCTUnwrap(outcome.affinities)
        XCTAssertEqual(caller, worker)
        XCTAssertNotNil(Int(caller), "pinned to one core, got \(caller)")
        #else
        throw XCTSkip("core pinning is Linux-only")
        #endif
    }

    /// Stepping before reset and after the end are the same errors native environments give.
    func testEpisodeOrderIsEnforced() throws {
        try GymTestSupport.requireGymnasium()
        let python = try GymTestSupport.interpreterWithTestEnvironments()
        let env = try GymnasiumEnvironment(id: "swiftrl_test_envs:Spaces-v0", arguments: ["kind": "discrete_start"], python: python)
        defer { env.close() }
        XCTAssertThrowsError(try env.step(.discrete(1))) { XCTAssertEqual($0 as? EnvironmentError, .stepBeforeReset(id: env.id)) }
        _ = try env.reset(seed: 0)
        for _ in 0..<4 { _ = try env.step(.discrete(1)) }
        XCTAssertThrowsError(try env.step(.discrete(1))) { XCTAssertEqual($0 as? EnvironmentError, .stepAfterDone(id: env.id)) }
    }

    /// Copies in a parallel vector environment each run their own worker and give what the
    /// same environments give one by one.
    func testVectorOfWorkersMatchesSingleWorkers() throws {
        try GymTestSupport.requireGymnasium()
        let vector = try SyncVectorEnvironment(count: 3, parallelism: .parallel(chunks: 3)) { _ in try GymnasiumEnvironment(id: "CartPole-v1") }
        defer { vector.close() }
        let singles = try (0..<3).map { _ in try GymnasiumEnvironment(id: "CartPole-v1") }
        defer { singles.forEach { $0.close() } }
        XCTAssertEqual(Set(try (0..<3).map { try XCTUnwrap(vector.environments[$0] as? GymnasiumEnvironment).workerProcessID }).count, 3)
        let reset = try vector.reset(seed: 10)
        for (i, single) in singles.enumerated() {
            XCTAssertEqual(try single.reset(seed: 10 + UInt64(i)).observation, reset.observations[i])
        }
        var random = RandomGenerator(seed: 1)
        for _ in 0..<200 {
            let actions = (0..<3).map { _ in Action.discrete(random.int(below: 2)) }
            let step = try vector.step(actions)
            for (i, single) in singles.enumerated() {
                let expected = try single.step(actions[i])
                XCTAssertEqual(step.rewards[i], expected.reward)
                XCTAssertEqual(step.finalObservations[i] ?? step.observations[i], expected.observation)
                if expected.isDone { _ = try single.reset() }
            }
        }
    }
}
