import Agents
import Environments
import Training
import XCTest

/// A raw ALE game as the Gymnasium bridge hands it over, for the registry below: `[210, 160,
/// 3]` RGB frames of Pong's background with one moving pixel, six actions, `info["lives"]`
/// (3, then 2 after 9 frames), over after `gameLength` frames, +1 on every fifth frame.
private final class RawScreenGame: Environment {
    let observationSpace: Space = .box(low: 0, high: 255, shape: [210, 160, 3], scalarType: .uint8)
    let actionSpace: Space = .discrete(6)
    let id: String
    let gameLength: Int
    private var t = 0
    private let background = [UInt8](repeating: 144, count: 210 * 160 * 3)

    init(id: String, gameLength: Int) {
        self.id = id
        self.gameLength = gameLength
    }

    private var info: Info { ["lives": .int(t < 9 ? 3 : 2)] }

    private func observation() -> Observation {
        var pixels = background
        pixels[((40 + t % 150) * 160 + t % 160) * 3] = 236
        return .uint8(pixels, shape: [210, 160, 3])
    }

    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        t = 0
        return (observation(), info)
    }

    func step(_ action: Action) throws -> Step {
        guard t < gameLength else { throw EnvironmentError.stepAfterDone(id: id) }
        t += 1
        return Step(observation: observation(), reward: t % 5 == 0 ? 1 : 0, terminated: t >= gameLength, truncated: false,
                    info: info)
    }
}

/// The Atari presets as `swiftrl train` resolves them: picked for Pong and Breakout ids,
/// handing the pipeline's options to an environment registry shaped like the bridge's (each
/// ALE id's factory wraps its raw game with ``AtariPipeline``), and building agents there
/// that learn for a few steps.
final class AtariPresetRunTests: XCTestCase {
    /// Evaluation counts whole games, not the lives the pipeline cuts them into: two
    /// 20-frame games of +1 every fifth frame (the NOOP that continues after the lost life
    /// included) score 4 each.
    func testEvaluationPlaysWholeGamesThroughLostLives() throws {
        let options = EnvironmentOptions(id: "ALE/Fake-v5", values: ["terminal_on_life_loss": "true", "clip_reward": "true"])
        let env = try AtariPipeline(options: options).wrap(RawScreenGame(id: "ALE/Fake-v5", gameLength: 20))
        let policy = ScriptedPolicy(actionSpace: env.actionSpace) { _, _ in .discrete(3) }
        let result = try Evaluation.evaluate(policy: policy, environment: env, episodes: 2, seed: 0)
        XCTAssertEqual(result.returns, [4, 4])
        XCTAssertEqual(result.meanLength, 20)
    }

    private let algorithms = AlgorithmRegistry.shared
    private let sb3Atari = ["atari_preprocessing": "standard", "frame_stack": "4", "terminal_on_life_loss": "true",
                            "clip_reward": "true", "fire_reset": "true"]

    private func aleRegistry(gameLength: Int = 40) -> Registry {
        Registry(specs: ["ALE/Pong-v5", "ALE/Breakout-v5", "PongNoFrameskip-v4", "BreakoutNoFrameskip-v4"].map { id in
            EnvironmentSpec(id: id, rewardThreshold: nil, maxEpisodeSteps: nil, options: AtariPipeline.optionSpecs,
                            summary: "a fake \(id)") { options in
                try AtariPipeline(options: options).wrap(RawScreenGame(id: id, gameLength: gameLength))
            }
        })
    }

    func testTheAtariPresetsArePickedForPongAndBreakout() throws {
        for id in ["ALE/Pong-v5", "ALE/Breakout-v5", "PongNoFrameskip-v4", "BreakoutNoFrameskip-v4"] {
            let ppo = try algorithms.resolve(algorithm: "ppo", env: id)
            XCTAssertEqual(ppo.preset, "atari", id)
            XCTAssertEqual(ppo.envOptions, sb3Atari, id)
            XCTAssertEqual(ppo.totalSteps, 10_000_000)
            XCTAssertEqual(try ppo.agent.decode(PPOConfig.self), { var c = PPOConfig.rlZooAtari; c.seed = ppo.seed; return c }())
            let a2c = try algorithms.resolve(algorithm: "a2c", env: id)
            XCTAssertEqual(a2c.preset, "atari", id)
            XCTAssertEqual(a2c.envOptions, sb3Atari, id)
            XCTAssertEqual(try a2c.agent.decode(A2CConfig.self), { var c = A2CConfig.rlZooAtari; c.seed = a2c.seed; return c }())
            let dqn = try algorithms.resolve(algorithm: "dqn", env: id)
            XCTAssertEqual(dqn.preset, "atari", id)
            XCTAssertEqual(dqn.envOptions, ["atari_preprocessing": "standard", "noop_max": "0", "frame_stack": "4",
                                            "max_episode_steps": "27000"])
        }
        let reinforce = try algorithms.resolve(algorithm: "reinforce", env: "ALE/Pong-v5")
        XCTAssertEqual(reinforce.preset, "pong")
        XCTAssertEqual(reinforce.iterations, 1_000)
        XCTAssertNil(reinforce.totalSteps)
        XCTAssertEqual(reinforce.envOptions, ["atari_preprocessing": "pong"])
        XCTAssertEqual(try reinforce.agent.decode(REINFORCEConfig.self), { var c = REINFORCEConfig.pong; c.seed = reinforce.seed; return c }())
        XCTAssertNil(try algorithms.resolve(algorithm: "reinforce", env: "PongNoFrameskip-v4").preset,
                     "the Pong preprocessing skips no frames, so the no-frameskip game is not its")
        XCTAssertNil(try algorithms.resolve(algorithm: "reinforce", env: "ALE/Breakout-v5").preset)
        XCTAssertNil(try algorithms.resolve(algorithm: "ppo", env: "ALE/MsPacman-v5").preset, "no FIRE: not picked")

        let pong = try algorithms.resolve(algorithm: "a2c", env: "ALE/Pong-v5", overrides: [#"envOptions.frame_difference="false""#],
                                          preset: "pong")
        XCTAssertEqual(pong.envOptions, ["atari_preprocessing": "pong", "frame_difference": "false"],
                       "the user's options (as --env-option quotes them) join the preset's")
        XCTAssertEqual(pong.totalSteps, 10_000_000)
    }

    /// Resolves `preset` on Pong with `overrides` (small sizes), builds the agent through the
    /// registry the way a run does, and takes one iteration.
    private func trainOnce(_ algorithm: String, preset: String, overrides: [String]) throws -> (any Agent, IterationReport) {
        let config = try algorithms.resolve(algorithm: algorithm, env: "ALE/Pong-v5", overrides: overrides, preset: preset, seed: 3)
        let context = RunContext(environmentID: config.env, environmentOptions: config.envOptions, seed: config.seed,
                                 registry: aleRegistry())
        let agent = try algorithms.entry(named: algorithm).makeAgent(config: config.agent, context: context)
        let report = try agent.trainIteration()
        let losses = report.scalars.filter { $0.key.hasPrefix("losses/") }
        XCTAssertFalse(losses.isEmpty, "\(algorithm) \(preset): \(report.scalars)")
        for (key, value) in losses { XCTAssertTrue(value.isFinite, "\(algorithm) \(preset): \(key) = \(value)") }
        return (agent, report)
    }

    func testEachAtariPresetBuildsAndLearnsThroughTheRegistry() throws {
        // Orthogonalising the Nature CNN's 3136x512 layer takes a second per network; off here.
        let (ppo, _) = try trainOnce("ppo", preset: "atari", overrides: [
            "agent.nEnvs=2", "agent.nSteps=8", "agent.batchSize=8", "agent.nEpochs=1", "agent.stepsPerIteration=16",
            "agent.orthogonalInit=false"])
        XCTAssertEqual((ppo as? PPOAgent)?.core.encoder.featureShape, [4, 84, 84])
        let (a2c, _) = try trainOnce("a2c", preset: "atari", overrides: ["agent.nEnvs=2", "agent.stepsPerIteration=10",
                                                                          "agent.orthogonalInit=false"])
        XCTAssertEqual((a2c as? A2CAgent)?.optimizer.initialSquareAverage, 1)
        let (pong, _) = try trainOnce("a2c", preset: "pong", overrides: ["agent.nEnvs=2", "agent.stepsPerIteration=10"])
        XCTAssertEqual((pong as? A2CAgent)?.core.encoder.featureShape, [80, 80, 1])
        let (reinforce, report) = try trainOnce("reinforce", preset: "pong", overrides: ["agent.episodesPerIteration=1"])
        XCTAssertEqual(report.episodes.map(\.length), [40], "one whole game, a frame per step")
        XCTAssertTrue((reinforce as? REINFORCEAgent)?.environment is FrameDifference)

        let (dqn, _) = try trainOnce("dqn", preset: "atari", overrides: [
            "agent.bufferSize=200", "agent.learningStarts=16", "agent.batchSize=4", "agent.stepsPerIteration=32"])
        let agent = try XCTUnwrap(dqn as? DQNAgent)
        XCTAssertEqual(agent.replayBuffer.frameStack, 4, "the stacks' frames are stored once")
        XCTAssertEqual(agent.replayBuffer.observationShape, [4, 84, 84])
        let limit = try XCTUnwrap(agent.environment as? TimeLimit, "Registry.make's limit, outside the pipeline")
        XCTAssertEqual(limit.maxEpisodeSteps, 27_000)
        XCTAssertTrue(limit.wrapped is FrameStack)
    }
}
