import Agents
import Environments
import Networks
import Randomness
import XCTest

final class DQNPresetTests: XCTestCase {
    /// The textbook's schedule: ε = max(1 − episode/500, 0.01) by finished episodes, and
    /// no gradient step before the book's `episode > 50`, then one per environment step.
    func testTextbookCountsEpisodesForEpsilonAndTheStartOfTraining() throws {
        var config = DQNConfig.textbook
        config.seed = 4
        let agent = try DQNAgent.make(config: config, environment: make("CartPole-v1", options: ["max_episode_steps": "200"]))
        XCTAssertEqual(agent.currentEpsilon, 1)
        for _ in 0..<51 {
            let report = try agent.trainIteration()
            XCTAssertEqual(report.episodes.count, 1, "an iteration of the textbook preset is one episode")
        }
        XCTAssertEqual(agent.gradientUpdates, 0, "no training during the first 51 episodes")
        XCTAssertEqual(agent.currentEpsilon, 1 - 51.0 / 500, accuracy: 1e-6)
        let report = try agent.trainIteration()
        XCTAssertEqual(agent.gradientUpdates, report.episodes[0].length, "one gradient step per step of episode 52")
        // Without training (which only slows the test), ε reaches 0.01 at episode 495 and stays.
        config.learningStartsEpisodes = 1_000
        let explorer = try DQNAgent.make(config: config, environment: make("CartPole-v1", options: ["max_episode_steps": "200"]))
        for _ in 0..<494 { _ = try explorer.trainIteration() }
        XCTAssertEqual(explorer.currentEpsilon, 1 - 494.0 / 500, accuracy: 1e-6)
        for _ in 0..<2 { _ = try explorer.trainIteration() }
        XCTAssertEqual(explorer.currentEpsilon, 0.01, accuracy: 1e-6)
    }

    /// A fast learning check of the basic DQN: by episodes 150–200 (ε still about 0.65)
    /// its returns are well above the random policy's 22; full runs are in `swiftrl bench dqn`.
    func testTextbookDQNLearnsWithinTwoHundredEpisodes() throws {
        var config = DQNConfig.textbook
        config.seed = 1
        let agent = try DQNAgent.make(config: config, environment: make("CartPole-v1", options: ["max_episode_steps": "200"]))
        var returns: [Double] = []
        while returns.count < 200 { returns += try agent.trainIteration().episodes.map(\.episodeReturn) }
        let early = returns[0..<50].reduce(0, +) / 50, late = returns[150..<200].reduce(0, +) / 50
        XCTAssertLessThan(early, 35, "ε-greedy from ε = 1 starts near random")
        XCTAssertGreaterThan(late, 45, "episodes 150-200 average \(late)")
    }

    /// Without a target network the online network values the next states itself, so the
    /// target network's weights are never touched and the updates differ from a run with one.
    func testWithoutATargetNetworkTheOnlineNetworkValuesNextStates() throws {
        func run(targetNetwork: Bool) throws -> (agent: DQNAgent, loss: Double) {
            var config = DQNConfig.textbook
            config.learningStartsEpisodes = 5
            config.targetNetwork = targetNetwork
            config.targetUpdateInterval = 10_000
            config.seed = 2
            let agent = try DQNAgent.make(config: config, environment: make("CartPole-v1"))
            var loss = 0.0
            for _ in 0..<10 { loss = try agent.trainIteration().scalars["losses/td_loss"] ?? loss }
            return (agent, loss)
        }
        let basic = try run(targetNetwork: false)
        let fixed = try run(targetNetwork: true)
        XCTAssertGreaterThan(basic.agent.gradientUpdates, 50)
        let initial = try DQNAgent.make(config: { var c = DQNConfig.textbook; c.seed = 2; return c }(),
                                        environment: make("CartPole-v1"))
        for ((_, a), (_, b)) in zip(basic.agent.targetNetwork.namedParameters, initial.targetNetwork.namedParameters) {
            XCTAssertEqual(a.detachedValue.scalars, b.detachedValue.scalars, "the unused target network stays as built")
        }
        XCTAssertNotEqual(basic.loss, fixed.loss, "a target network frozen at its initial weights gives other targets")
    }

    func testPresetsHoldThePublishedValues() throws {
        let acrobot = DQNConfig.rlZooAcrobot
        XCTAssertEqual(acrobot.learningRate, 6.3e-4)
        XCTAssertEqual(acrobot.batchSize, 128)
        XCTAssertEqual(acrobot.targetUpdateInterval, 250)
        XCTAssertEqual(acrobot.trainFreq, acrobot.gradientSteps, "gradient_steps -1: one per step collected")
        XCTAssertEqual(acrobot.epsilon.value(at: 12_000), 0.1)
        let mountainCar = DQNConfig.rlZooMountainCar
        XCTAssertEqual(mountainCar.gamma, 0.98)
        XCTAssertEqual(mountainCar.epsilon.value(at: 24_000), 0.07, accuracy: 1e-7)
        let atari = DQNConfig.atari
        XCTAssertEqual(atari.epsilon.value(at: 125_000), 0.505, accuracy: 1e-6, "PolynomialDecay of power 1 is linear")
        XCTAssertEqual(atari.epsilon.value(at: 250_000), 0.01, accuracy: 1e-7)
        XCTAssertTrue(atari.rmspropEpsilonInsideSquareRoot, "TensorFlow's RMSprop puts ε under the root")
        XCTAssertEqual(atari.targetUpdateInterval / atari.trainFreq, 2_000, "2,000 training steps")
        XCTAssertEqual(DQNConfig.textbook.epsilon.value(at: 250), 0.5, accuracy: 1e-6, "1 − 250/500")
        for preset in [DQNConfig.rlZooCartPole, acrobot, mountainCar, .minAtar, .textbook, atari] {
            XCTAssertNoThrow(try preset.validate())
        }
    }

    /// The Atari preset's TensorFlow-style RMSprop reaches the optimizer.
    func testAtariPresetBuildsCentredRMSpropWithEpsilonUnderTheRoot() throws {
        var config = DQNConfig.atari
        config.network = QNetworkConfig(fcLayerParams: [8])
        config.bufferSize = 1_000
        let agent = try DQNAgent.make(config: config, environment: make("CartPole-v1"))
        let optimizer = try XCTUnwrap(agent.optimizer as? RMSprop)
        XCTAssertTrue(optimizer.centered)
        XCTAssertTrue(optimizer.epsilonInsideSquareRoot)
        XCTAssertEqual(optimizer.epsilon, 1e-5)
        XCTAssertEqual(optimizer.rho, 0.95)
        // The Nature CNN itself needs byte images, and says so.
        XCTAssertThrowsError(try DQNAgent.make(config: .atari, environment: make("CartPole-v1"))) { error in
            XCTAssertTrue("\(error)".contains("use preprocessing none"), "\(error)")
        }
    }
}

/// Byte frames of 84x84 whose brightness says which of 4 actions pays: the shape and type
/// of preprocessed Atari frames, small enough to train on in a test.
private final class BrightnessFrames: Environment {
    let observationSpace = Space.box(low: 0, high: 255, shape: [84, 84], scalarType: .uint8)
    let actionSpace = Space.discrete(4)
    var id: String { "BrightnessFrames" }
    private var generator = RandomGenerator(seed: 0)
    private var target = 0, t = 0

    private func frame() -> Observation {
        target = Int(generator.next() % 4)
        return .uint8([UInt8](repeating: UInt8(40 + 60 * target), count: 84 * 84), shape: [84, 84])
    }

    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        if let seed { generator = RandomGenerator(seed: seed) }
        t = 0
        return (frame(), Info())
    }

    func step(_ action: Action) throws -> Step {
        guard case let .discrete(a) = action else { throw EnvironmentError.invalidAction(id: id, reason: "\(action)") }
        let reward: Double = a == target ? 1 : 0
        t += 1
        return Step(observation: frame(), reward: reward, terminated: false, truncated: t == 20, info: Info())
    }
}

final class DQNAtariPresetTests: XCTestCase {
    /// The atari preset on FrameStack's [4, 84, 84] byte stacks: the buffer stores one frame
    /// per step, the Nature CNN reads the channels-first stacks, and training runs.
    func testAtariPresetTrainsOnStackedByteFramesStoredOnce() throws {
        var config = DQNConfig.atari
        config.bufferSize = 400
        config.learningStarts = 64
        config.batchSize = 32
        config.stepsPerIteration = 100
        config.seed = 1
        let environment = FrameStack(BrightnessFrames(), stackSize: 4)
        let agent = try DQNAgent.make(config: config, environment: environment)
        XCTAssertEqual(agent.replayBuffer.frameStack, 4)
        XCTAssertEqual(agent.replayBuffer.frameSize, 84 * 84, "one frame stored per step, not four")
        let report = try agent.trainIteration()
        XCTAssertGreaterThan(agent.gradientUpdates, 5)
        XCTAssertTrue(report.scalars["losses/td_loss"].map(\.isFinite) ?? false, "\(report.scalars)")
        var generator = RandomGenerator(seed: 0)
        let first = TimeStep(stepType: .first, reward: 0, discount: 1, observation: try environment.reset(seed: 3).observation)
        XCTAssertNoThrow(try agent.policy.action(for: first, state: nil, using: &generator))
    }
}
