import Agents
import Environments
import Networks
import Randomness
import XCTest

final class DQNAgentTests: XCTestCase {
    private func smallConfig() -> DQNConfig {
        var config = DQNConfig()
        config.network.fcLayerParams = [64, 64]
        config.learningStarts = 500
        config.trainFreq = 64
        config.gradientSteps = 32
        config.epsilon = .linear(from: 1, to: 0.04, steps: 4_000)
        config.stepsPerIteration = 1_000
        config.seed = 3
        return config
    }

    func testLearnsCartPoleWellAboveRandomInAFewThousandSteps() throws {
        let agent = try DQNAgent.make(config: smallConfig(), environment: make("CartPole-v1"))
        var lastReturns: [Double] = []
        while agent.environmentSteps < 12_000 {
            lastReturns = try agent.trainIteration().episodes.map(\.episodeReturn)
        }
        XCTAssertGreaterThan(agent.gradientUpdates, 5_000)
        let statistics = EpisodeStatisticsBuffer(bufferSize: 10)
        try Driver(environment: make("CartPole-v1"), policy: agent.policy, observers: [statistics], seed: 99).run(episodes: 10)
        let mean = statistics.returns.reduce(0, +) / 10
        // A random policy averages about 22; the greedy policy of a learning DQN is far above it.
        XCTAssertGreaterThan(mean, 100, "greedy returns \(statistics.returns), last collect returns \(lastReturns)")
    }

    func testCheckpointRestoreContinuesExactly() throws {
        var config = smallConfig()
        config.stepsPerIteration = 400
        config.prioritizedReplay = true
        config.doubleDQN = true
        config.nSteps = 3
        let uninterrupted = try DQNAgent.make(config: config, environment: make("CartPole-v1"))
        for _ in 0..<3 { _ = try uninterrupted.trainIteration() }
        let checkpoint = try uninterrupted.checkpoint()
        var expected: [IterationReport] = []
        for _ in 0..<2 { expected.append(try uninterrupted.trainIteration()) }

        let resumed = try DQNAgent.make(config: config, environment: make("CartPole-v1"))
        try resumed.restore(from: checkpoint)
        for report in expected {
            let again = try resumed.trainIteration()
            XCTAssertEqual(again.episodes, report.episodes)
            XCTAssertEqual(again.scalars, report.scalars)
        }
        XCTAssertEqual(resumed.environmentSteps, uninterrupted.environmentSteps)
        for (a, b) in zip(resumed.onlineNetwork.parameters, uninterrupted.onlineNetwork.parameters) {
            XCTAssertEqual(a.detachedValue.scalars, b.detachedValue.scalars)
        }
        var other = config
        other.gamma = 0.9
        XCTAssertThrowsError(try DQNAgent.make(config: other, environment: make("CartPole-v1")).restore(from: checkpoint))
    }

    func testEverySwitchChangesTheUpdates() throws {
        func lossAfterTraining(_ change: (inout DQNConfig) -> Void) throws -> Double {
            var config = smallConfig()
            config.stepsPerIteration = 800
            change(&config)
            let agent = try DQNAgent.make(config: config, environment: make("CartPole-v1"))
            return try agent.trainIteration().scalars["losses/td_loss"] ?? .nan
        }
        let base = try lossAfterTraining { _ in }
        let variants: [(String, (inout DQNConfig) -> Void)] = [
            ("doubleDQN", { $0.doubleDQN = true }), ("nSteps", { $0.nSteps = 3 }),
            ("prioritizedReplay", { $0.prioritizedReplay = true }), ("loss", { $0.loss = .meanSquaredError }),
            ("tau", { $0.tau = 0.5 }), ("optimizer", { $0.optimizer = .rmsprop }),
            ("dueling", { $0.network.dueling = .mean }), ("gamma", { $0.gamma = 0.9 }),
            ("learningRate", { $0.learningRate = 1e-4 }), ("batchSize", { $0.batchSize = 32 }),
            ("targetUpdateInterval", { $0.targetUpdateInterval = 100 }), ("maxGradNorm", { $0.maxGradNorm = 0.1 }),
            ("targetNetwork", { $0.targetNetwork = false }), ("adamEpsilon", { $0.adamEpsilon = 1e-2 }),
            ("epsilonClock", { $0.epsilonClock = .episodes }),
        ]
        for (name, change) in variants {
            XCTAssertNotEqual(try lossAfterTraining(change), base, "\(name) must change training")
        }
        let rmsprop = try lossAfterTraining { $0.optimizer = .rmsprop }
        XCTAssertNotEqual(try lossAfterTraining { $0.optimizer = .rmsprop; $0.rmspropEpsilonInsideSquareRoot = true }, rmsprop,
                          "rmspropEpsilonInsideSquareRoot must change training")
    }

    func testRejectsEnvironmentsItCannotLearnAndBadConfigurations() throws {
        XCTAssertThrowsError(try DQNAgent.make(config: DQNConfig(), environment: make("Pendulum-v1"))) { error in
            XCTAssertTrue("\(error)".contains("Discrete"), "\(error)")
        }
        XCTAssertThrowsError(try DQNAgent.make(config: DQNConfig(), environment: make("FrozenLake-v1"))) { error in
            XCTAssertTrue("\(error)".contains("q-learning"), "\(error)")
        }
        var config = DQNConfig()
        config.tau = 0
        XCTAssertThrowsError(try DQNAgent.make(config: config, environment: make("CartPole-v1"))) { error in
            XCTAssertTrue("\(error)".contains("tau"), "\(error)")
        }
        config = DQNConfig()
        config.rmspropRho = 1
        XCTAssertThrowsError(try DQNAgent.make(config: config, environment: make("CartPole-v1"))) { error in
            XCTAssertTrue("\(error)".contains("rmspropRho"), "bad input throws rather than trapping in RMSprop: \(error)")
        }
    }
}
