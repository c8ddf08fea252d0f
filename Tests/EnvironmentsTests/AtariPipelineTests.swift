import XCTest
import Environments

/// The native Atari pipeline: Karpathy's Pong preprocessing on hand-made screens, SB3's
/// episodic-life and fire-reset wrappers, and the option parsing and wrapping the
/// Gymnasium bridge calls, on the fake Atari at ALE's 210x160.
final class AtariPipelineTests: XCTestCase {
    /// An all-zero `[210, 160, 3]` screen with `pixels` set: (row, column, channel, value).
    func screen(_ pixels: [(Int, Int, Int, UInt8)]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 210 * 160 * 3)
        for (row, column, channel, value) in pixels { bytes[(row * 160 + column) * 3 + channel] = value }
        return bytes
    }

    /// `I[35:195][::2, ::2, 0]`, backgrounds 144 and 109 to 0, the rest to 1, written as
    /// Karpathy's NumPy reads.
    func karpathyPrepro(_ bytes: [UInt8]) -> [Float] {
        var out: [Float] = []
        for row in stride(from: 35, to: 195, by: 2) {
            for column in stride(from: 0, to: 160, by: 2) {
                let red = bytes[(row * 160 + column) * 3]
                out.append([0, 144, 109].contains(red) ? 0 : 1)
            }
        }
        return out
    }

    func testPongPreprocessingOfAHandMadeScreen() throws {
        let bytes = screen([
            (35, 0, 0, 200),    // first kept row and column: 1
            (36, 0, 0, 200),    // odd row: dropped
            (37, 2, 0, 109),    // background type 2: 0
            (37, 4, 0, 236),    // paddle-like: 1 at [1, 2]
            (37, 6, 0, 144),    // background type 1: 0
            (37, 8, 1, 236),    // green only: channel 0 is 0, so 0
            (39, 9, 0, 236),    // odd column: dropped
            (34, 0, 0, 200),    // score area: cropped
            (193, 158, 0, 17),  // last kept pixel: 1 at [79, 79]
            (195, 0, 0, 200),   // below the court: cropped
        ])
        let env = ScriptedEnvironment(observationSpace: .box(low: 0, high: 255, shape: [210, 160, 3], scalarType: .uint8),
                                      observe: { _ in .uint8(bytes, shape: [210, 160, 3]) })
        let pong = PongPreprocessing(env)
        XCTAssertEqual(pong.observationSpace, .box(low: 0, high: 1, shape: [80, 80, 1]))
        let observation = try pong.reset(seed: 0).observation
        var expected = [Float](repeating: 0, count: 6400)
        expected[0] = 1
        expected[1 * 80 + 2] = 1
        expected[79 * 80 + 79] = 1
        XCTAssertEqual(observation, .float32(expected, shape: [80, 80, 1]))
        XCTAssertEqual(try pong.step(.discrete(0)).observation, observation)
        XCTAssertThrowsError(try pong.observation(.uint8([0], shape: [1]))) { error in
            XCTAssertTrue("\(error)".contains("[210, 160, 3]"), "\(error)")
        }
    }

    func testPongPreprocessingAndFrameDifferenceOnTheFakeAtari() throws {
        let fake = FakeAtariEnvironment(height: 210, width: 160)
        let env = FrameDifference(PongPreprocessing(fake))
        XCTAssertEqual(env.observationSpace, .box(low: -1, high: 1, shape: [80, 80, 1]))
        let first = try env.reset(seed: 0).observation
        XCTAssertEqual(first, .float32(Array(repeating: 0, count: 6400), shape: [80, 80, 1]), "no previous frame: zeros")
        let step = try env.step(.discrete(2))
        guard case let .uint8(previous, _) = fake.frame(0, 0), case let .uint8(current, _) = fake.frame(1, 2) else {
            return XCTFail("the fake observes bytes")
        }
        let want = zip(karpathyPrepro(current), karpathyPrepro(previous)).map { $0 - $1 }
        XCTAssertEqual(step.observation, .float32(want, shape: [80, 80, 1]))
        XCTAssertTrue(want.contains(1) && want.contains(-1), "random frames differ both ways")
        XCTAssertTrue(env.observationSpace.contains(step.observation))
    }

    func testEpisodicLifeEndsEpisodesAtLostLivesButContinuesTheGame() throws {
        let fake = FakeAtariEnvironment(height: 42, width: 32)   // a life every 5 frames, 3 lives
        let env = EpisodicLife(fake)
        let reset = try env.reset(seed: 0)
        XCTAssertEqual(reset.info["lives"], .int(3))
        XCTAssertEqual(env.lives, 3)
        for t in 1...4 { XCTAssertFalse(try env.step(.discrete(1)).terminated, "step \(t)") }
        let lost = try env.step(.discrete(1))
        XCTAssertTrue(lost.terminated, "a lost life ends the episode")
        XCTAssertTrue(env.lostLife)
        XCTAssertThrowsError(try env.step(.discrete(0)), "the episode is over until reset")
        let next = try env.reset(seed: 9)
        XCTAssertEqual(fake.t, 6, "one NOOP continues the game instead of resetting it")
        XCTAssertEqual(next.observation, fake.frame(6, 0))
        XCTAssertEqual(env.lives, 2)
        // Lives 2 → 1 at frame 10; the game ends at frame 15 (0 lives), terminated by the game itself.
        for _ in 7...9 { XCTAssertFalse(try env.step(.discrete(0)).terminated) }
        XCTAssertTrue(try env.step(.discrete(0)).terminated)
        _ = try env.reset(seed: nil)
        for _ in 12...14 { XCTAssertFalse(try env.step(.discrete(0)).terminated) }
        XCTAssertTrue(try env.step(.discrete(0)).terminated)
        XCTAssertFalse(env.lostLife, "the game is over")
        _ = try env.reset(seed: nil)
        XCTAssertEqual(fake.t, 0, "after the real game over the emulator is reset")
        XCTAssertEqual(env.lives, 3)
        // Only the reset right after a lost life continues the game (SB3 would continue here too).
        for _ in 1...5 { _ = try env.step(.discrete(0)) }
        _ = try env.reset(seed: nil)
        XCTAssertEqual(fake.t, 6)
        _ = try env.reset(seed: 3)
        XCTAssertEqual(fake.t, 0, "a second reset restarts the game with its seed")

        fake.reportsLives = false
        XCTAssertThrowsError(try EpisodicLife(fake).reset(seed: 0)) { error in
            XCTAssertTrue("\(error)".contains("lives"), "\(error)")
        }
    }

    func testFireResetPressesFireThenAction2() throws {
        let fake = FakeAtariEnvironment(height: 42, width: 32)
        let env = FireReset(fake)
        let (observation, info) = try env.reset(seed: 0)
        XCTAssertEqual(fake.t, 2)
        XCTAssertEqual(observation, fake.frame(2, 2), "the observation after FIRE (1) and then action 2")
        XCTAssertEqual(info["lives"], .int(3), "the last step's info")
        // Around EpisodicLife it also runs after a lost life.
        let episodic = FireReset(EpisodicLife(fake))
        _ = try episodic.reset(seed: 0)
        for _ in 0..<3 { _ = try episodic.step(.discrete(0)) }
        XCTAssertEqual(fake.t, 5)
        _ = try episodic.reset(seed: nil)
        XCTAssertEqual(fake.t, 8, "NOOP, FIRE, action 2 without resetting the game")
    }

    func options(_ values: [String: String]) -> EnvironmentOptions {
        EnvironmentOptions(id: "ALE/Fake-v5", values: values)
    }

    func testEachModeWrapsToItsSpaces() throws {
        let raw = FakeAtariEnvironment(height: 210, width: 160)
        let none = try AtariPipeline(options: options([:]))
        XCTAssertEqual(none.preprocessing, .none)
        XCTAssertFalse(none.needsSingleFrameSteps)
        XCTAssertTrue(none.wrap(raw) === raw, "no options, no wrappers")

        let standard = try AtariPipeline(options: options(["atari_preprocessing": "standard"]))
        XCTAssertTrue(standard.needsSingleFrameSteps)
        XCTAssertEqual(standard.wrap(raw).observationSpace, .box(low: 0, high: 255, shape: [84, 84], scalarType: .uint8))
        let newAxis = try AtariPipeline(options: options(["atari_preprocessing": "standard", "grayscale_newaxis": "true",
                                                          "screen_size": "64"]))
        XCTAssertEqual(newAxis.wrap(raw).observationSpace.shape, [64, 64, 1])

        let pong = try AtariPipeline(options: options(["atari_preprocessing": "pong"]))
        XCTAssertFalse(pong.needsSingleFrameSteps, "the emulator's own frame skip applies")
        XCTAssertEqual(pong.wrap(raw).observationSpace, .box(low: -1, high: 1, shape: [80, 80, 1]))
        let pongFrames = try AtariPipeline(options: options(["atari_preprocessing": "pong", "frame_difference": "false"]))
        XCTAssertEqual(pongFrames.wrap(raw).observationSpace, .box(low: 0, high: 1, shape: [80, 80, 1]))

        let raws = try AtariPipeline(options: options(["frame_stack": "2", "clip_reward": "true"]))
        XCTAssertEqual(raws.wrap(raw).observationSpace.shape, [2, 210, 160, 3])
    }

    func testTheStandardStackIsSB3sAtariWrapper() throws {
        let fake = FakeAtariEnvironment(height: 210, width: 160)
        fake.startLives = 100
        let pipeline = try AtariPipeline(options: options([
            "atari_preprocessing": "standard", "frame_stack": "4", "terminal_on_life_loss": "true",
            "clip_reward": "true", "fire_reset": "true", "noop_max": "0",
        ]))
        XCTAssertEqual(pipeline.frameStack, 4)
        let env = pipeline.wrap(fake)
        XCTAssertEqual(env.observationSpace, .box(low: 0, high: 255, shape: [4, 84, 84], scalarType: .uint8))
        XCTAssertTrue(env.unwrapped === fake)
        let reset = try env.reset(seed: 0).observation
        XCTAssertEqual(reset.shape, [4, 84, 84])
        guard case .uint8 = reset else { return XCTFail("bytes, as the replay buffer stores them: \(reset)") }
        // The fake loses a life every 5 frames. FIRE takes frames 1...4; action 2 (frames
        // 5...8) loses a life, which is an episode's end, so the reset goes on with a NOOP
        // (frames 9...12) instead of restarting the game.
        XCTAssertEqual(fake.t, 12)
        XCTAssertEqual(fake.lives, 98)
        // Frames 13...16 earn 2 each plus 1 on frame 15: 9, clipped to 1; frame 15 loses a life.
        let step = try env.step(.discrete(2))
        XCTAssertEqual(step.reward, 1)
        XCTAssertTrue(step.terminated)
        XCTAssertEqual(step.observation.shape, [4, 84, 84])
        let fresh = FakeAtariEnvironment(height: 210, width: 160)
        fresh.startLives = 100
        XCTAssertEqual(try checkEnvironment(pipeline.wrap(fresh), seed: 1, steps: 20), [])
    }

    func testAStepLimitFromTheRegistryCountsAgentSteps() throws {
        // The factory is @Sendable; this test makes one environment on one thread.
        nonisolated(unsafe) let fake = FakeAtariEnvironment(height: 210, width: 160)
        fake.startLives = 1_000
        let registry = Registry(specs: [EnvironmentSpec(id: "ALE/Fake-v5", rewardThreshold: nil, maxEpisodeSteps: nil,
                                                        options: AtariPipeline.optionSpecs, summary: "fake") { options in
            try AtariPipeline(options: options).wrap(fake)
        }])
        let env = try registry.make("ALE/Fake-v5", options: ["atari_preprocessing": "standard", "noop_max": "0",
                                                              "max_episode_steps": "3"])
        _ = try env.reset(seed: 0)
        XCTAssertFalse(try env.step(.discrete(0)).truncated)
        XCTAssertFalse(try env.step(.discrete(0)).truncated)
        XCTAssertTrue(try env.step(.discrete(0)).truncated, "3 agent steps")
        XCTAssertEqual(fake.t, 12, "of 4 frames each: the limit sits outside the frame skip")
        XCTAssertThrowsError(try registry.make("ALE/Fake-v5", options: ["atari_preprocesing": "standard"])) { error in
            XCTAssertTrue("\(error)".contains("atari_preprocessing"), "the known options are listed: \(error)")
        }
    }

    func testInvalidOptionsNameTheOptionAndTheFix() {
        let cases: [([String: String], String, String)] = [
            (["atari_preprocessing": "nature"], "atari_preprocessing", "none, standard, pong"),
            (["atari_preprocessing": "pong", "frame_skip": "4"], "frame_skip", "atari_preprocessing=standard"),
            (["frame_skip": "2"], "frame_skip", "atari_preprocessing=none"),
            (["atari_preprocessing": "standard", "frame_difference": "true"], "frame_difference", "atari_preprocessing=pong"),
            (["atari_preprocessing": "standard", "noop_max": "-1"], "noop_max", "0 or more"),
            (["atari_preprocessing": "standard", "frame_skip": "0"], "frame_skip", "1 or more"),
            (["atari_preprocessing": "standard", "screen_size": "200"], "screen_size", "1...160"),
            (["atari_preprocessing": "standard", "screen_size": "big"], "screen_size", "not an integer"),
            (["frame_stack": "-4"], "frame_stack", "0 (no stacking) or more"),
            (["atari_preprocessing": "pong", "frame_stack": "4"], "frame_stack", "drop frame_stack"),
            (["atari_preprocessing": "standard", "frame_stack": "4", "grayscale_newaxis": "true"], "grayscale_newaxis", "drop"),
            (["terminal_on_life_loss": "yes", "max_episode_steps": "100"], "max_episode_steps", "never end the game"),
            (["clip_reward": "sometimes"], "clip_reward", "not true or false"),
        ]
        for (values, option, hint) in cases {
            XCTAssertThrowsError(try AtariPipeline(options: options(values)), "\(values)") { error in
                guard case let .invalidOption(id, name, reason) = error as? EnvironmentError else {
                    return XCTFail("\(values): \(error)")
                }
                XCTAssertEqual(id, "ALE/Fake-v5")
                XCTAssertEqual(name, option, "\(values)")
                XCTAssertTrue(reason.contains(hint), "\(values): \(reason)")
            }
        }
    }

    func testTheSpecsListEveryOptionWithItsDefault() throws {
        let names = AtariPipeline.optionSpecs.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertEqual(names.first, "atari_preprocessing")
        // Every default, given explicitly to the mode that takes it, changes nothing.
        let defaults = Dictionary(uniqueKeysWithValues: AtariPipeline.optionSpecs.map { ($0.name, $0.defaultValue) })
        let standardNames = ["noop_max", "frame_skip", "screen_size", "grayscale_newaxis", "terminal_on_life_loss",
                             "fire_reset", "clip_reward", "frame_stack"]
        var standard = defaults.filter { standardNames.contains($0.key) }
        standard["atari_preprocessing"] = "standard"
        XCTAssertEqual(try AtariPipeline(options: options(standard)),
                       try AtariPipeline(options: options(["atari_preprocessing": "standard"])))
        XCTAssertEqual(try AtariPipeline(options: options(["atari_preprocessing": "pong", "frame_difference": defaults["frame_difference"]!])),
                       try AtariPipeline(options: options(["atari_preprocessing": "pong"])))
        XCTAssertEqual(try AtariPipeline(options: options(["atari_preprocessing": defaults["atari_preprocessing"]!])).preprocessing, .none)
    }
}
