import Agents
import Environments
import Networks
import Randomness
import XCTest

final class A2CAgentTests: XCTestCase {
    private func greedyMeanReturn(_ agent: A2CAgent, env: String, episodes: Int = 10) throws -> Double {
        let statistics = EpisodeStatisticsBuffer(bufferSize: episodes)
        try Driver(environment: make(env), policy: agent.policy, observers: [statistics], seed: 99).run(episodes: episodes)
        return statistics.returns.reduce(0, +) / Double(episodes)
    }

    /// The TF2 tutorial's A2C (1,000 updates of 32 steps) solves CartPole-v0: 200 of 200.
    func testTutorialPresetSolvesCartPoleV0() throws {
        var config = A2CConfig.tutorial
        config.seed = 2
        let agent = try A2CAgent.make(config: config) { try make("CartPole-v0") }
        while agent.environmentSteps < 32_000 { _ = try agent.trainIteration() }
        XCTAssertEqual(agent.updates, 1_000)
        XCTAssertGreaterThanOrEqual(try greedyMeanReturn(agent, env: "CartPole-v0"), 195)
    }

    /// SB3's defaults with 8 environments: well above random within 40k steps.
    func testSynchronousEightEnvironmentsLearnCartPole() throws {
        var config = A2CConfig()
        config.seed = 1
        let agent = try A2CAgent.make(config: config) { try make("CartPole-v1") }
        while agent.environmentSteps < 40_000 { _ = try agent.trainIteration() }
        XCTAssertEqual(agent.updates, 1_000, "8 copies x 5 steps per update")
        XCTAssertGreaterThan(try greedyMeanReturn(agent, env: "CartPole-v1"), 150)
    }

    /// Same seed, same losses and weights; a checkpoint restores weights, optimizer state and counters.
    func testDeterminismAndCheckpointRoundTrip() throws {
        var config = A2CConfig()
        config.seed = 5
        config.stepsPerIteration = 400
        let a = try A2CAgent.make(config: config) { try make("CartPole-v1") }
        let b = try A2CAgent.make(config: config) { try make("CartPole-v1") }
        for _ in 0..<3 {
            XCTAssertEqual(try a.trainIteration().scalars, try b.trainIteration().scalars)
        }
        let restored = try A2CAgent.make(config: config) { try make("CartPole-v1") }
        try restored.restore(from: try a.checkpoint())
        XCTAssertEqual(restored.updates, a.updates)
        XCTAssertEqual(restored.environmentSteps, a.environmentSteps)
        for ((name, p), (_, q)) in zip(a.policyNetwork.namedParameters + a.valueNetwork.namedParameters,
                                       restored.policyNetwork.namedParameters + restored.valueNetwork.namedParameters) {
            XCTAssertEqual(p.detachedValue.scalars, q.detachedValue.scalars, name)
        }
        var other = config
        other.entCoef = 0.01
        let mismatched = try A2CAgent.make(config: other) { try make("CartPole-v1") }
        XCTAssertThrowsError(try mismatched.restore(from: try a.checkpoint())) { error in
            XCTAssertTrue("\(error)".contains("another A2C configuration"), "\(error)")
        }
    }

    func testRejectsWhatItCannotTrain() throws {
        XCTAssertThrowsError(try A2CAgent.make(config: A2CConfig()) { MultiDiscreteActions() }) { error in
            XCTAssertTrue("\(error)".contains("Discrete or float32 Box"), "\(error)")
        }
        var config = A2CConfig()
        config.nSteps = 0
        XCTAssertThrowsError(try A2CAgent.make(config: config) { try make("CartPole-v1") }) { error in
            XCTAssertTrue("\(error)".contains("nSteps"), "\(error)")
        }
        XCTAssertThrowsError(try A2CAgent(config: A2CConfig(), environments: [try make("CartPole-v1")])) { error in
            XCTAssertTrue("\(error)".contains("nEnvs is 8"), "\(error)")
        }
    }
}
