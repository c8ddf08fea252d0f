import Environments
import Foundation
import GymBridge
import XCTest

/// The native Atari pipeline on real ALE frames from the bridge, against Gymnasium's own
/// wrappers on the same emulator, seed and actions.
final class AtariThroughBridgeTests: XCTestCase {
    private func registry() -> Registry {
        let registry = Registry(specs: Registry.shared.specs)
        Gymnasium.install(in: registry)
        return registry
    }

    /// Our AtariPreprocessing (ALE grayscale from the RGB screen, max-pool, INTER_AREA 84x84)
    /// equals gymnasium.wrappers.AtariPreprocessing on the same raw frames, within one grey
    /// level, through frame skips, lost lives and a game over.
    func testStandardPreprocessingMatchesGymnasiumsOnRealFrames() throws {
        try GymTestSupport.requireGymnasium(ale: true)
        guard GymTestSupport.pythonHas(["cv2"]) else {
            throw XCTSkip("comparing with Gymnasium's AtariPreprocessing needs OpenCV in Python: pip install opencv-python-headless")
        }
        let steps = 400
        let actions = (0..<steps).map { ($0 * 5 + $0 / 7) % 4 }
        let expected = try GymTestSupport.runPython("""
            import sys
            import ale_py, gymnasium as gym, numpy as np
            from gymnasium.wrappers import AtariPreprocessing
            gym.register_envs(ale_py)
            env = AtariPreprocessing(gym.make("BreakoutNoFrameskip-v4"), noop_max=0, frame_skip=4, screen_size=84)
            frames = []
            observation, _ = env.reset(seed=3)
            frames.append(observation.tobytes())
            for action in [\(actions.map(String.init).joined(separator: ","))]:
                observation, reward, terminated, truncated, _ = env.step(action)
                frames.append(observation.tobytes() + bytes([int(terminated), int(truncated), int(reward)]))
                if terminated or truncated:
                    observation, _ = env.reset()
                    frames.append(observation.tobytes())
            open(sys.argv[1], "wb").write(b"".join(frames))
            """).output
        let env = try registry().make("BreakoutNoFrameskip-v4", options: ["atari_preprocessing": "standard", "noop_max": "0"])
        defer { env.close() }
        XCTAssertEqual(env.observationSpace, .box(low: 0, high: 255, shape: [84, 84], scalarType: .uint8))
        var ours = Data()
        func append(_ observation: Observation) {
            guard case let .uint8(pixels, _) = observation else { return XCTFail("expected bytes, got \(observation)") }
            ours.append(contentsOf: pixels)
        }
        append(try env.reset(seed: 3).observation)
        var episodes = 0
        for action in actions {
            let step = try env.step(.discrete(action))
            append(step.observation)
            ours.append(contentsOf: [step.terminated ? 1 : 0, step.truncated ? 1 : 0, UInt8(step.reward)])
            if step.isDone {
                episodes += 1
                append(try env.reset().observation)
            }
        }
        XCTAssertGreaterThanOrEqual(episodes, 1, "the comparison should cross a game over")
        XCTAssertEqual(ours.count, expected.count)
        var largest = 0
        var differing = 0
        for (a, b) in zip(ours, expected) where a != b {
            differing += 1
            largest = max(largest, abs(Int(a) - Int(b)))
        }
        XCTAssertLessThanOrEqual(largest, 1, "\(differing) bytes differ, by up to \(largest) grey levels")
        print("AtariPreprocessing vs Gymnasium on \(steps) Breakout steps: \(differing) of \(ours.count) bytes differ, by at most \(largest)")
    }

    /// A wrapper that hides the bridge's repeated stepping, so AtariPreprocessing loops.
    private final class OneStepAtATime: EnvironmentWrapper {
        let wrapped: any Environment
        init(_ wrapped: any Environment) { self.wrapped = wrapped }
    }

    /// Frame skipping in one round trip (RepeatedStepping) gives exactly what four single
    /// steps give: observations, summed rewards, flags and infos, across lost lives and a
    /// game over.
    func testRepeatedSteppingEqualsSteppingFrameByFrame() throws {
        try GymTestSupport.requireGymnasium(ale: true)
        func run(_ wrap: (GymnasiumEnvironment) -> any Environment) throws -> [Step] {
            let raw = try GymnasiumEnvironment(id: "BreakoutNoFrameskip-v4")
            defer { raw.close() }
            let env = AtariPreprocessing(wrap(raw), noopMax: 30)
            var steps = [Step(observation: try env.reset(seed: 4).observation, reward: 0, terminated: false, truncated: false)]
            for t in 0..<600 {
                let step = try env.step(.discrete((t * 3 + t / 11) % 4))
                steps.append(step)
                if step.isDone { steps.append(Step(observation: try env.reset().observation, reward: 0, terminated: false, truncated: false)) }
            }
            return steps
        }
        let fast = try run { $0 }
        let slow = try run { OneStepAtATime($0) }
        XCTAssertEqual(fast.count, slow.count)
        XCTAssertTrue(fast.contains { $0.terminated }, "the comparison should cross a game over")
        for (t, (a, b)) in zip(fast, slow).enumerated() {
            XCTAssertEqual(a.observation, b.observation, "step \(t)")
            XCTAssertEqual(a.reward, b.reward, "step \(t)")
            XCTAssertEqual(a.terminated, b.terminated, "step \(t)")
            XCTAssertEqual(a.truncated, b.truncated, "step \(t)")
            XCTAssertEqual(a.info, b.info, "step \(t)")
        }
    }

    func testPipelineOptionsThroughTheRegistry() throws {
        try GymTestSupport.requireGymnasium(ale: true)
        let registry = registry()
        let stacked = try registry.make("ALE/Pong-v5", options: ["atari_preprocessing": "standard", "frame_stack": "4",
                                                                 "max_episode_steps": "30"])
        defer { stacked.close() }
        XCTAssertEqual(stacked.observationSpace.shape, [4, 84, 84])
        let raw = try XCTUnwrap(stacked.unwrapped as? GymnasiumEnvironment)
        XCTAssertEqual(raw.id, "ALE/Pong-v5")
        _ = try stacked.reset(seed: 0)
        var steps = 0
        while try !stacked.step(.discrete(0)).isDone { steps += 1 }
        XCTAssertEqual(steps + 1, 30, "max_episode_steps counts agent steps, not emulator frames")

        let pong = try registry.make("ALE/Pong-v5", options: ["atari_preprocessing": "pong"])
        defer { pong.close() }
        XCTAssertEqual(pong.observationSpace.shape, [80, 80, 1])
        _ = try pong.reset(seed: 0)
        var moved = false
        for _ in 0..<30 {
            let step = try pong.step(.discrete(2))
            guard case let .float32(values, _) = step.observation else { return XCTFail("expected floats") }
            XCTAssertTrue(values.allSatisfy { [-1, 0, 1].contains($0) })
            if values.contains(where: { $0 != 0 }) { moved = true }
        }
        XCTAssertTrue(moved, "the frame difference shows the ball and paddles moving")

        XCTAssertThrowsError(try registry.make("ALE/Pong-v5", options: ["atari_preprocessing": "standard", "frameskip": "4"])) { error in
            XCTAssertTrue("\(error)".contains("frameskip"), "\(error)")
        }
        XCTAssertThrowsError(try registry.make("gym:CartPole-v1", options: ["atari_preprocessing": "standard"])) { error in
            XCTAssertTrue("\(error)".contains("ALE environment"), "\(error)")
        }
    }
}
