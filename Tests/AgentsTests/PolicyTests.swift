import Agents
import Environments
import Randomness
import XCTest

final class PolicyTests: XCTestCase {
    private func timeStep(_ values: [Float]) -> TimeStep {
        TimeStep(stepType: .mid, reward: 0, discount: 1, observation: .float32(values, shape: [values.count]))
    }

    func testGreedyPolicyTakesTheFirstLargestValue() throws {
        var generator = RandomGenerator(seed: 1)
        let policy = GreedyPolicy(actionCount: 3) { _ in [1, 5, 5] }
        XCTAssertEqual(try policy.action(for: timeStep([0]), state: nil, using: &generator).action, .discrete(1))
        let wrong = GreedyPolicy(actionCount: 2) { _ in [1, 2, 3] }
        XCTAssertThrowsError(try wrong.action(for: timeStep([0]), state: nil, using: &generator))
    }

    func testEpsilonGreedyFollowsItsScheduleAndExploresAtTheRightRate() throws {
        var generator = RandomGenerator(seed: 3)
        let greedy = GreedyPolicy(actionCount: 4) { _ in [0, 0, 9, 0] }
        let policy = EpsilonGreedyPolicy(greedy: greedy, epsilon: .linear(from: 1, to: 0.2, steps: 100))
        XCTAssertEqual(policy.currentEpsilon, 1, accuracy: 1e-6)
        for _ in 0..<100 { _ = try policy.action(for: timeStep([0]), state: nil, using: &generator) }
        XCTAssertEqual(policy.currentEpsilon, 0.2, accuracy: 1e-6)
        // With ε = 0.2 over 4 actions, the greedy action comes 0.8 + 0.2/4 = 85% of the time.
        var greedyCount = 0
        let draws = 20_000
        for _ in 0..<draws where try policy.action(for: timeStep([0]), state: nil, using: &generator).action == .discrete(2) {
            greedyCount += 1
        }
        XCTAssertEqual(Double(greedyCount) / Double(draws), 0.85, accuracy: 0.01)
    }

    func testCategoricalPolicySamplesItsSoftmaxAndReportsLogProbabilities() throws {
        var generator = RandomGenerator(seed: 5)
        let logits: [Float] = [0, log(2), log(5)]  // probabilities 1/8, 2/8, 5/8
        let policy = CategoricalPolicy(actionCount: 3) { _ in logits }
        var counts = [0, 0, 0]
        for _ in 0..<40_000 {
            let step = try policy.action(for: timeStep([0]), state: nil, using: &generator)
            let action = step.action.discreteValue!
            counts[action] += 1
            XCTAssertEqual(step.info.logProbability!, log([0.125, 0.25, 0.625][action]), accuracy: 1e-6)
        }
        XCTAssertEqual(Double(counts[0]) / 40_000, 0.125, accuracy: 0.006)
        XCTAssertEqual(Double(counts[2]) / 40_000, 0.625, accuracy: 0.008)
    }

    func testGaussianPolicyMatchesItsMeanAndStandardDeviationAndLogDensity() throws {
        var generator = RandomGenerator(seed: 9)
        let policy = GaussianPolicy(actionSpace: .box(low: -100, high: 100, shape: [1]), clipToBounds: true) { _ in
            (mean: [1.5], logStd: [log(0.5)])
        }
        var samples: [Double] = []
        for _ in 0..<20_000 {
            let step = try policy.action(for: timeStep([0]), state: nil, using: &generator)
            let a = Double(step.action.floats[0])
            samples.append(a)
            // log N(a; 1.5, 0.5²)
            let expected = -0.5 * pow((a - 1.5) / 0.5, 2) - log(0.5) - 0.5 * log(2 * Double.pi)
            XCTAssertEqual(step.info.logProbability!, expected, accuracy: 1e-4)
        }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let std = (samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)).squareRoot()
        XCTAssertEqual(mean, 1.5, accuracy: 0.02)
        XCTAssertEqual(std, 0.5, accuracy: 0.02)
    }

    func testGaussianPolicyClipsToTheActionBounds() throws {
        var generator = RandomGenerator(seed: 2)
        let policy = GaussianPolicy(actionSpace: .box(low: -1, high: 1, shape: [1])) { _ in (mean: [10], logStd: [0]) }
        let action = try policy.action(for: timeStep([0]), state: nil, using: &generator).action
        XCTAssertEqual(action.floats, [1])
    }

    func testRandomPolicyDrawsOnlyLegalActionsWhenGivenThem() throws {
        var generator = RandomGenerator(seed: 4)
        let policy = RandomPolicy(actionSpace: .discrete(3)) { _ in [.discrete(0), .discrete(2)] }
        var seen = Set<Int>()
        for _ in 0..<200 { seen.insert(try policy.action(for: timeStep([0]), state: nil, using: &generator).action.discreteValue!) }
        XCTAssertEqual(seen, [0, 2])
    }

    func testCartPoleLeanPolicyPushesTowardTheLean() throws {
        var generator = RandomGenerator(seed: 0)
        let policy = CartPoleLeanPolicy()
        XCTAssertEqual(try policy.action(for: timeStep([0, 0, -0.01, 0]), state: nil, using: &generator).action, .discrete(0))
        XCTAssertEqual(try policy.action(for: timeStep([0, 0, 0.01, 0]), state: nil, using: &generator).action, .discrete(1))
        XCTAssertThrowsError(try policy.action(for: timeStep([0, 0]), state: nil, using: &generator))
    }

    func testTextbookCartPolePolicyAveragesAbout42() throws {
        // Hands-On ML ch. 18: the lean policy's mean return over 500 episodes is about 42, the maximum about 70.
        let environment = try Registry.shared.make("CartPole-v1")
        let statistics = EpisodeStatisticsBuffer(bufferSize: 500)
        let driver = Driver(environment: environment, policy: CartPoleLeanPolicy(), observers: [statistics], seed: 42)
        try driver.run(episodes: 500)
        let mean = statistics.returns.reduce(0, +) / 500
        XCTAssertEqual(mean, 42, accuracy: 2.5)
        XCTAssertLessThan(statistics.returns.max()!, 80)
    }

    func testScriptedPolicyRunsItsClosure() throws {
        var generator = RandomGenerator(seed: 0)
        let policy = ScriptedPolicy(actionSpace: .discrete(2)) { step, _ in .discrete(step.observation.floats[0] > 0 ? 1 : 0) }
        XCTAssertEqual(try policy.action(for: timeStep([3]), state: nil, using: &generator).action, .discrete(1))
    }
}
