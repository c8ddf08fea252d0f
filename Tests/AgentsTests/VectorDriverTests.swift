import Agents
import Environments
import Randomness
import XCTest

final class VectorDriverTests: XCTestCase {
    func testVectorCartPoleTransitionsCarryFinalObservationsAndChainPerCopy() throws {
        let environment = try VectorCartPole(count: 8)
        var transitions: [Transition] = []
        final class Starts: Observer {
            var count = 0
            func observe(_ transition: Transition) {}
            func episodeStarted(environmentIndex: Int, observation: Observation) { count += 1 }
        }
        let startCounter = Starts()
        let statistics = AverageReturn(bufferSize: 1000)
        let driver = VectorDriver(environment: environment, policy: RandomPolicy(actionSpace: .discrete(2)),
                                  observers: [ClosureObserver { transitions.append($0) }, statistics, startCounter], seed: 3)
        try driver.run(steps: 8 * 300)
        XCTAssertEqual(transitions.count, 2400)
        XCTAssertEqual(driver.totalSteps, 2400)
        XCTAssertEqual(startCounter.count, 8 + driver.totalEpisodes)
        XCTAssertGreaterThan(driver.totalEpisodes, 40, "random CartPole episodes last about 22 steps")
        for copy in 0..<8 {
            let mine = transitions.filter { $0.environmentIndex == copy }
            XCTAssertTrue(mine[0].isFirst)
            for (previous, next) in zip(mine, mine.dropFirst()) {
                if previous.isLast {
                    XCTAssertTrue(next.isFirst)
                    XCTAssertNotEqual(previous.nextObservation, next.observation, "the final observation, not the reset one")
                    // A terminated CartPole episode ends outside the bounds: |x| > 2.4 or |θ| > 12°.
                    let final = previous.nextObservation.floats
                    XCTAssertTrue(abs(final[0]) > 2.4 || abs(final[2]) > 0.2094, "\(final)")
                } else {
                    XCTAssertEqual(previous.nextObservation, next.observation)
                }
            }
        }
        // Random play on CartPole: about 22 steps per episode.
        XCTAssertEqual(statistics.result(), 22, accuracy: 4)
    }

    func testSameSeedSameRunAndEpisodeCounting() throws {
        func returns(seed: UInt64) throws -> [Double] {
            let statistics = EpisodeStatisticsBuffer(bufferSize: 100)
            let driver = VectorDriver(environment: try SyncVectorEnvironment(id: "CartPole-v1", count: 4),
                                      policy: RandomPolicy(actionSpace: .discrete(2)), observers: [statistics], seed: seed)
            try driver.run(episodes: 10)
            XCTAssertGreaterThanOrEqual(driver.totalEpisodes, 10)
            XCTAssertLessThan(driver.totalEpisodes, 14, "stops within the vector step that ends the tenth")
            return statistics.returns
        }
        XCTAssertEqual(try returns(seed: 1), try returns(seed: 1))
        XCTAssertNotEqual(try returns(seed: 1), try returns(seed: 2))
    }
}
