import Agents
import Environments
import XCTest

/// Episode metrics report whole Atari games when the pipeline cuts them into lives and
/// clips their rewards, as SB3's Monitor does.
final class GameStatisticsTests: XCTestCase {
    /// FakeALE with 20-frame games: lives fall at frames 7 and 14, and every fourth frame
    /// rewards +1 for action 2, −1 otherwise. Always pressing 2, the game scores +1 at
    /// frames 4, 12, 16 and 20 and −1 at frame 8, the NOOP that continues the game after the
    /// first lost life: 3 over 20 frames, in three lives of 7, 6 and 5 agent steps.
    private func game(terminalOnLifeLoss: Bool = true, clipReward: Bool = true) throws -> any Environment {
        var values: [String: String] = [:]
        if terminalOnLifeLoss { values["terminal_on_life_loss"] = "true" }
        if clipReward { values["clip_reward"] = "true" }
        return try AtariPipeline(options: EnvironmentOptions(id: "ALE/FakePong-v5", values: values)).wrap(FakeALE(gameLength: 20))
    }

    private func pressTwo(_ env: any Environment) -> ScriptedPolicy {
        ScriptedPolicy(actionSpace: env.actionSpace) { _, _ in .discrete(2) }
    }

    func testLivesDoNotCountAndTheGameCountsWithItsScore() throws {
        let env = try game()
        let statistics = EpisodeStatisticsBuffer(bufferSize: 10)
        let driver = Driver(environment: env, policy: pressTwo(env), observers: [statistics], seed: 0)
        try driver.run(steps: 18)
        XCTAssertEqual(driver.totalEpisodes, 3, "three lives ended")
        XCTAssertEqual(statistics.returns, [3])
        XCTAssertEqual(statistics.lengths, [20])
        XCTAssertEqual(statistics.finishedCount, 1)
    }

    func testWithoutTheAtariOptionsEpisodesCountAsBefore() throws {
        let env = try game(terminalOnLifeLoss: false, clipReward: false)
        let statistics = EpisodeStatisticsBuffer(bufferSize: 10)
        let driver = Driver(environment: env, policy: pressTwo(env), observers: [statistics], seed: 0)
        try driver.run(steps: 20)
        XCTAssertEqual(statistics.returns, [5], "one 20-frame game, +1 at frames 4, 8, 12, 16, 20")
        XCTAssertEqual(statistics.lengths, [20])
    }

    func testClippedRewardsStillReportTheRawScore() throws {
        let env = try AtariPipeline(options: EnvironmentOptions(id: "ALE/FakePong-v5", values: ["clip_reward": "true"]))
            .wrap(ScaledRewards(FakeALE(gameLength: 20), by: 10))
        let statistics = EpisodeStatisticsBuffer(bufferSize: 10)
        let driver = Driver(environment: env, policy: pressTwo(env), observers: [statistics], seed: 0)
        try driver.run(steps: 20)
        XCTAssertEqual(statistics.returns, [50], "the unclipped +10s, not five clipped +1s")
    }
}

/// Multiplies the rewards of an environment, to tell clipped from raw rewards apart.
private final class ScaledRewards: EnvironmentWrapper {
    let wrapped: any Environment
    let factor: Double
    init(_ wrapped: any Environment, by factor: Double) {
        self.wrapped = wrapped
        self.factor = factor
    }
    func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        result.reward *= factor
        return result
    }
}
