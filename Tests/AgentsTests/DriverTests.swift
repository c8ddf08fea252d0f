import Agents
import Environments
import Randomness
import XCTest

final class DriverTests: XCTestCase {
    func testTransitionsChainAndCarryFinalObservationsAndSeparateFlags() throws {
        let environment = try Registry.shared.make("CartPole-v1", options: ["max_episode_steps": "20"])
        var transitions: [Transition] = []
        let driver = Driver(environment: environment, policy: RandomPolicy(actionSpace: .discrete(2)),
                            observers: [ClosureObserver { transitions.append($0) }], seed: 7)
        try driver.run(steps: 300)
        XCTAssertEqual(transitions.count, 300)
        XCTAssertEqual(driver.totalSteps, 300)
        XCTAssertTrue(transitions[0].isFirst)
        for (previous, next) in zip(transitions, transitions.dropFirst()) {
            if previous.isLast {
                XCTAssertTrue(next.isFirst)
            } else {
                XCTAssertFalse(next.isFirst)
                XCTAssertEqual(previous.nextObservation, next.observation, "consecutive steps chain")
            }
            XCTAssertFalse(previous.terminated && previous.truncated)
        }
        XCTAssertTrue(transitions.contains { $0.truncated }, "20-step limit truncates some episodes")
        XCTAssertTrue(transitions.contains { $0.terminated }, "random play also falls")
        XCTAssertEqual(driver.totalEpisodes, transitions.filter(\.isLast).count)
    }

    func testRunEpisodesRunsExactlyThatManyWholeEpisodesOverSeveralCopies() throws {
        let environments = try (0..<3).map { _ in try Registry.shared.make("CartPole-v1") }
        let collector = EpisodeCollector()
        let driver = Driver(environments: environments, policy: RandomPolicy(actionSpace: .discrete(2)), observers: [collector], seed: 1)
        try driver.run(episodes: 7)
        let episodes = collector.takeCompletedEpisodes()
        XCTAssertEqual(episodes.count, 7)
        XCTAssertEqual(driver.episodesStarted.reduce(0, +), 7)
        for episode in episodes {
            XCTAssertTrue(episode.first!.isFirst)
            XCTAssertTrue(episode.last!.isLast)
            XCTAssertEqual(episode.filter(\.isLast).count, 1)
            XCTAssertEqual(Set(episode.map(\.environmentIndex)).count, 1)
        }
        for copy in 0..<3 { XCTAssertFalse(driver.isInEpisode(copy)) }
    }

    func testSameSeedSameTransitionsAndDifferentSeedsDiffer() throws {
        func rewards(seed: UInt64) throws -> [Float] {
            let environment = try Registry.shared.make("CartPole-v1")
            var observations: [Float] = []
            let driver = Driver(environment: environment, policy: RandomPolicy(actionSpace: .discrete(2)),
                                observers: [ClosureObserver { observations += $0.nextObservation.floats }], seed: seed)
            try driver.run(steps: 200)
            return observations
        }
        XCTAssertEqual(try rewards(seed: 3), try rewards(seed: 3))
        XCTAssertNotEqual(try rewards(seed: 3), try rewards(seed: 4))
    }

    func testSnapshotRestoreReproducesTheFollowingEpisodes() throws {
        func run(_ driver: Driver, episodes: Int) throws -> [Double] {
            let statistics = EpisodeStatisticsBuffer(bufferSize: 1000)
            driver.observers = [statistics]
            try driver.run(episodes: episodes)
            return statistics.returns
        }
        let make = { Driver(environment: try Registry.shared.make("CartPole-v1"), policy: RandomPolicy(actionSpace: .discrete(2)), seed: 11) }
        let uninterrupted = try make()
        _ = try run(uninterrupted, episodes: 5)
        let snapshot = uninterrupted.snapshot
        let expected = try run(uninterrupted, episodes: 5)
        let resumed = try make()
        try resumed.restore(snapshot)
        XCTAssertEqual(try run(resumed, episodes: 5), expected)
        XCTAssertThrowsError(try Driver(environments: [try Registry.shared.make("CartPole-v1"), try Registry.shared.make("CartPole-v1")],
                                        policy: RandomPolicy(actionSpace: .discrete(2)), seed: 1).restore(snapshot))
    }

    func testEpisodeSeedsDifferAcrossCopiesAndEpisodes() {
        let seeds = Set((0..<4).flatMap { copy in (0..<50).map { Driver.episodeSeed(base: 9, copy: copy, episode: $0) } })
        XCTAssertEqual(seeds.count, 200)
    }

    func testObserversHearOfEpisodeStartsBeforeTheFirstStep() throws {
        final class Log: Observer {
            var events: [String] = []
            func episodeStarted(environmentIndex: Int, observation: Observation) { events.append("start") }
            func observe(_ transition: Transition) { events.append(transition.isLast ? "last" : "step") }
        }
        let log = Log()
        let environment = try Registry.shared.make("CartPole-v1", options: ["max_episode_steps": "3"])
        let driver = Driver(environment: environment, policy: ScriptedPolicy(actionSpace: .discrete(2)) { _, _ in .discrete(0) },
                            observers: [log], seed: 0)
        try driver.run(episodes: 2)
        XCTAssertEqual(log.events, ["start", "step", "step", "last", "start", "step", "step", "last"])
    }
}
