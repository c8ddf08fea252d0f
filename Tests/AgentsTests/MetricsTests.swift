import Agents
import Environments
import XCTest

final class MetricsTests: XCTestCase {
    private func transition(_ copy: Int, reward: Double, last: Bool = false, truncated: Bool = false) -> Transition {
        Transition(environmentIndex: copy, observation: .discrete(0), action: .discrete(0), reward: reward,
                   nextObservation: .discrete(0), terminated: last && !truncated, truncated: truncated)
    }

    func testReturnAndLengthAverageTheLastEpisodesPerCopy() throws {
        let averageReturn = AverageReturn(bufferSize: 2)
        let averageLength = AverageEpisodeLength(bufferSize: 2)
        let episodes = NumberOfEpisodes(), steps = EnvironmentSteps()
        let metrics: [any Metric] = [averageReturn, averageLength, episodes, steps]
        // Copies interleave: copy 0 earns 1+1+1 over 3 steps, copy 1 earns 5+5 over 2 steps (truncated).
        let stream = [transition(0, reward: 1), transition(1, reward: 5), transition(0, reward: 1),
                      transition(1, reward: 5, last: true, truncated: true), transition(0, reward: 1, last: true),
                      transition(0, reward: 10, last: true)]
        XCTAssertEqual(averageReturn.result(), 0)
        for t in stream { for metric in metrics { try metric.observe(t) } }
        // Finished episodes in order: 10 (copy 1), 3 (copy 0), 10 (copy 0); window 2 keeps the last two.
        XCTAssertEqual(averageReturn.result(), (3 + 10) / 2)
        XCTAssertEqual(averageLength.result(), (3 + 1) / 2)
        XCTAssertEqual(episodes.result(), 3)
        XCTAssertEqual(steps.result(), 6)
        XCTAssertEqual(averageReturn.key, "charts/episodic_return")
        for metric in metrics { metric.reset() }
        XCTAssertEqual(averageReturn.result(), 0)
        XCTAssertEqual(steps.result(), 0)
    }

    func testStepsPerSecondUsesItsClock() throws {
        var now = 100.0
        let metric = StepsPerSecond(clock: { now })
        for _ in 0..<50 { metric.observe(transition(0, reward: 0)) }
        now += 2
        XCTAssertEqual(metric.result(), 25)
        XCTAssertEqual(metric.key, "charts/SPS")
    }
}
