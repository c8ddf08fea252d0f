import Agents
import Foundation
import Training
import XCTest

/// Presets layer between an algorithm's defaults and the user's settings; evaluation during
/// training logs `eval/*` and keeps the best policy.
final class PresetAndEvaluationTests: XCTestCase {
    private let registry = AlgorithmRegistry.shared

    func testTheEnvironmentsTunedPresetIsPickedAndTheUserStillWins() throws {
        let acrobot = try registry.resolve(algorithm: "dqn", env: "Acrobot-v1")
        XCTAssertEqual(acrobot.preset, "rl-zoo-acrobot")
        XCTAssertEqual(acrobot.totalSteps, 100_000, "the published budget")
        XCTAssertEqual(try acrobot.agent.decode(DQNConfig.self), { var c = DQNConfig.rlZooAcrobot; c.seed = 1; return c }())

        let changed = try registry.resolve(algorithm: "dqn", env: "Acrobot-v1", file: .object(["agent": .object(["batchSize": .number(32)])]),
                                           overrides: ["agent.gamma=0.9"], totalSteps: 5_000)
        let agent = try changed.agent.decode(DQNConfig.self)
        XCTAssertEqual(agent.batchSize, 32, "a config file wins over the preset")
        XCTAssertEqual(agent.gamma, 0.9, "--set wins over the preset")
        XCTAssertEqual(agent.learningRate, 6.3e-4, "what the user leaves alone keeps the preset's value")
        XCTAssertEqual(changed.totalSteps, 5_000)

        let minAtar = try registry.resolve(algorithm: "dqn", env: "MinAtar/Breakout-v1")
        XCTAssertEqual(minAtar.preset, "minatar", "a trailing * matches every MinAtar game")
        XCTAssertNil(try registry.resolve(algorithm: "dqn", env: "LunarLander-v3").preset, "no preset where none is tuned")
        XCTAssertNil(try registry.resolve(algorithm: "reinforce", env: "CartPole-v1").preset)
        let tutorial = try registry.resolve(algorithm: "a2c", env: "CartPole-v0")
        XCTAssertEqual(tutorial.preset, "tutorial")
        XCTAssertEqual(tutorial.totalSteps, 32_000, "1,000 updates of 32 steps")
        XCTAssertEqual(try tutorial.agent.decode(A2CConfig.self).nEnvs, 1)
        let mountainCar = try registry.resolve(algorithm: "ppo", env: "MountainCarContinuous-v0")
        XCTAssertEqual(mountainCar.preset, "rl-zoo-mountaincarcontinuous")
        XCTAssertEqual(mountainCar.totalSteps, 20_000)
        var expected = PPOConfig.rlZooMountainCarContinuous
        expected.seed = mountainCar.seed
        XCTAssertEqual(try mountainCar.agent.decode(PPOConfig.self), expected)
        XCTAssertEqual(try registry.resolve(algorithm: "ppo", env: "Acrobot-v1").totalSteps, 1_000_000)
        XCTAssertTrue(try registry.resolve(algorithm: "ppo", env: "Pendulum-v1").agent.decode(PPOConfig.self).useSde)
    }

    func testANamedPresetBringsItsBudgetAndEnvironmentOptions() throws {
        let textbook = try registry.resolve(algorithm: "dqn", env: "CartPole-v1", overrides: ["envOptions.render_mode=rgb_array"],
                                            preset: "textbook")
        XCTAssertEqual(textbook.preset, "textbook")
        XCTAssertEqual(textbook.iterations, 600)
        XCTAssertNil(textbook.totalSteps)
        XCTAssertEqual(textbook.envOptions, ["max_episode_steps": "200", "render_mode": "rgb_array"],
                       "the user's options join the preset's")
        let agent = try textbook.agent.decode(DQNConfig.self)
        XCTAssertFalse(agent.targetNetwork)
        XCTAssertEqual(agent.network.kernelInitializer, .glorotUniform, "an enum case replaces the default's case")
        // A file may name the preset too; the command line's wins.
        let fromFile = try registry.resolve(algorithm: "dqn", env: "CartPole-v1", file: .object(["preset": .string("textbook")]))
        XCTAssertEqual(fromFile.preset, "textbook")
        let overridden = try registry.resolve(algorithm: "dqn", env: "CartPole-v1", file: .object(["preset": .string("textbook")]),
                                              preset: "rl-zoo-cartpole")
        XCTAssertEqual(try overridden.agent.decode(DQNConfig.self).network, .rlZooCartPole)
        XCTAssertEqual(overridden.preset, "rl-zoo-cartpole")
    }

    func testUnknownPresetsAreErrorsThatSuggestTheRightOne() {
        XCTAssertThrowsError(try registry.resolve(algorithm: "dqn", env: "CartPole-v1", preset: "textbok")) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'textbook'"), "\(error)")
        }
        XCTAssertThrowsError(try registry.resolve(algorithm: "q-learning", env: "CartPole-v1", preset: "textbook")) { error in
            XCTAssertTrue("\(error)".contains("q-learning has no presets"), "\(error)")
        }
    }

    func testSchedulesOfAnotherKindReplaceTheDefaultsSchedule() throws {
        let config = try registry.resolve(algorithm: "dqn", env: "CartPole-v1",
                                          overrides: [#"agent.epsilon={"polynomialDecay": {"initial": 1, "decaySteps": 100, "end": 0.1, "power": 2}}"#])
        XCTAssertEqual(try config.agent.decode(DQNConfig.self).epsilon,
                       .polynomialDecay(initial: 1, decaySteps: 100, end: 0.1, power: 2))
        let constant = try registry.resolve(algorithm: "ppo", env: "CartPole-v1", overrides: ["agent.clipRange=0.1"])
        XCTAssertEqual(try constant.agent.decode(PPOConfig.self).clipRange, .constant(0.1), "a number is a constant schedule")
        XCTAssertThrowsError(try registry.resolve(algorithm: "dqn", env: "CartPole-v1", overrides: ["evalInterval=0"])) { error in
            XCTAssertTrue("\(error)".contains("evalInterval"), "\(error)")
        }
    }

    func testEvaluationDuringTrainingLogsAndKeepsTheBestPolicy() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let overrides = ["agent.network.fcLayerParams=[32]", "agent.learningStarts=300", "agent.trainFreq=50",
                         "agent.gradientSteps=10", "agent.stepsPerIteration=400", "agent.bufferSize=5000",
                         "evalEpisodes=0", "recordVideo=false", "evalInterval=1000", "evalIntervalEpisodes=3"]
        let config = try registry.resolve(algorithm: "dqn", env: "CartPole-v1", overrides: overrides, seed: 5, totalSteps: 4_000)
        let run = try TrainingRun.start(config, directory: root)
        try run.train(shouldStop: { false })
        let table = try MetricsTable(contentsOf: root.appendingPathComponent(TrainingRun.metricsFileName))
        let column = try XCTUnwrap(table.keys.firstIndex(of: "eval/mean_return"))
        let evaluations = table.rows.compactMap { row in row.values[column].map { (row.step, $0) } }
        XCTAssertEqual(evaluations.count, 4, "one evaluation per 1,000 steps: \(evaluations)")
        XCTAssertEqual(evaluations.map { $0.0 / 1_000 }, [1, 2, 3, 4], "each at the first iteration end past the mark")
        let best = try XCTUnwrap(run.bestEvaluation)
        let policy = try run.agent.policyCheckpoint()
        XCTAssertTrue(policy.isPolicyOnly)
        XCTAssertTrue(policy.attachments.isEmpty, "the replay buffer is not serialised for a policy checkpoint")
        XCTAssertEqual(best.meanReturn, evaluations.map(\.1).max())

        // best.safetensors holds the policy of that evaluation: evaluated again on the same
        // episodes it scores the same. It is not a run to resume.
        let loaded = try TrainedAgent.load(root.appendingPathComponent(TrainingRun.bestCheckpointFileName))
        let again = try Evaluation.evaluate(policy: loaded.agent.policy, environment: loaded.context.makeEnvironment(),
                                            episodes: 3, seed: Driver.episodeSeed(base: 5 &+ 3_000_017, copy: 0,
                                                                                  episode: best.step / 1_000))
        XCTAssertEqual(again.meanReturn, best.meanReturn)
        try FileManager.default.removeItem(at: root.appendingPathComponent(TrainingRun.checkpointFileName))
        try FileManager.default.copyItem(at: root.appendingPathComponent(TrainingRun.bestCheckpointFileName),
                                         to: root.appendingPathComponent(TrainingRun.checkpointFileName))
        XCTAssertThrowsError(try TrainingRun.resume(root)) { error in
            XCTAssertTrue("\(error)".contains("policy only"), "\(error)")
        }
    }
}
