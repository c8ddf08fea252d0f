import Agents
import Environments
import Randomness
import XCTest

/// Planners and TD(0) prediction against textbook numbers and closed forms.
final class TabularPlanningTests: XCTestCase {
    private var frozenLake: TabularMDP { get throws { try XCTUnwrap(try make("FrozenLake-v1").unwrapped as? FrozenLake).mdp } }
    private var cliffWalking: TabularMDP { get throws { try XCTUnwrap(try make("CliffWalking-v1").unwrapped as? CliffWalking).mdp } }

    private func assertClose(_ actual: [Double], _ expected: [Double], accuracy: Double,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (a, e) in zip(actual, expected) {
            if e.isInfinite { XCTAssertEqual(a, e, file: file, line: line) } else { XCTAssertEqual(a, e, accuracy: accuracy, file: file, line: line) }
        }
    }

    /// *Hands-On Machine Learning*, ch. 18: Q-value iteration on the three-state MDP.
    func testQValueIterationReproducesHandsOnML() {
        let mdp = ThreeStateMDP.mdp
        let converged = mdp.qValueIteration(gamma: 0.90)
        XCTAssertTrue(converged.converged)
        // Q(s0, 0) solves Q = 0.7 (10 + 0.9 Q): 7 / 0.37.
        assertClose(converged.qValues[0], [700.0 / 37, 17.027027027, 13.621621622], accuracy: 1e-8)
        assertClose(converged.qValues[1], [0, -.infinity, -4.879714880], accuracy: 1e-8)
        assertClose(converged.qValues[2], [-.infinity, 50.133650134, -.infinity], accuracy: 1e-8)
        XCTAssertEqual(converged.policy, [0, 0, 1])

        // The book's fixed 50 iterations at γ = 0.95, as its notebook prints them: the
        // policy in state 1 switches to action 2 (pay 50 to reach the +40 state).
        let book = mdp.qValueIteration(gamma: 0.95, tolerance: 0, maxIterations: 50)
        XCTAssertEqual(book.iterations, 50)
        XCTAssertFalse(book.converged)
        assertClose(book.qValues[0], [21.73304188, 20.63807938, 16.70138772], accuracy: 1e-7)
        assertClose(book.qValues[1], [0.95462106, -.infinity, 1.01361207], accuracy: 1e-7)
        assertClose(book.qValues[2], [-.infinity, 53.70728682, -.infinity], accuracy: 1e-7)
        XCTAssertEqual(book.policy, [0, 2, 1])

        let limit = mdp.qValueIteration(gamma: 0.95)
        assertClose(limit.qValues[0], [21.89925005, 20.80428755, 16.86759588], accuracy: 1e-7)
        assertClose(limit.qValues[1], [1.12082922, -.infinity, 1.17982024], accuracy: 1e-7)
        XCTAssertEqual(limit.policy, [0, 2, 1])
    }

    func testValueIterationAgreesWithQValueIterationAndPolicyIteration() {
        let mdp = ThreeStateMDP.mdp
        for gamma in [0.90, 0.95] {
            let q = mdp.qValueIteration(gamma: gamma, tolerance: 1e-12)
            let v = mdp.valueIteration(gamma: gamma, tolerance: 1e-12)
            let p = mdp.policyIteration(gamma: gamma, tolerance: 1e-12)
            assertClose(v.values, q.values, accuracy: 1e-9)
            assertClose(p.values, q.values, accuracy: 1e-9)
            XCTAssertEqual(v.policy, q.policy)
            XCTAssertEqual(p.policy, q.policy)
            XCTAssertTrue(p.converged)
            XCTAssertLessThanOrEqual(p.iterations, 4, "policy iteration needs only a few improvement rounds here")
            XCTAssertGreaterThan(p.sweeps, p.iterations)
            XCTAssertEqual(v.startValue, v.values[0], accuracy: 1e-12, "the MDP starts in state 0")
        }
        let capped = mdp.valueIteration(gamma: 0.9, tolerance: 1e-12, maxIterations: 3)
        XCTAssertEqual(capped.iterations, 3)
        XCTAssertFalse(capped.converged)
        XCTAssertGreaterThan(capped.residual, 1)
    }

    /// Slippery FrozenLake 4x4: the optimum, checked against an independent NumPy value
    /// iteration on Gymnasium's model.
    func testFrozenLakeOptimalValuesAndSuccessRates() throws {
        let mdp = try frozenLake
        let optimal = mdp.valueIteration(gamma: 0.99, tolerance: 1e-12)
        XCTAssertTrue(optimal.converged)
        XCTAssertEqual(optimal.values[0], 0.5420259320, accuracy: 1e-8)
        XCTAssertEqual(optimal.policy, [0, 3, 3, 3, 0, 0, 0, 0, 3, 1, 0, 0, 0, 2, 1, 0])
        // The probability that this policy reaches the goal within the 100-step limit.
        let within100 = mdp.evaluatePolicy(optimal.greedyPolicy, gamma: 1, tolerance: 0, maxIterations: 100)
        XCTAssertEqual(within100.iterations, 100)
        XCTAssertEqual(within100.startValue, 0.7401648978, accuracy: 1e-9)
        // The best any policy can do in 100 steps, and without a limit (14/17).
        let best100 = mdp.valueIteration(gamma: 1, tolerance: 0, maxIterations: 100)
        XCTAssertEqual(best100.startValue, 0.7441902878, accuracy: 1e-9)
        let unlimited = mdp.evaluatePolicy(optimal.greedyPolicy, gamma: 1, tolerance: 1e-13)
        XCTAssertEqual(unlimited.startValue, 14.0 / 17, accuracy: 1e-9)
        let iterated = mdp.policyIteration(gamma: 0.99, tolerance: 1e-12)
        XCTAssertEqual(iterated.policy, optimal.policy)
        assertClose(iterated.values, optimal.values, accuracy: 1e-9)
    }

    /// Sutton & Barto, Example 6.6: the shortest walk along the cliff takes 13 steps.
    func testCliffWalkingOptimalReturnIsMinusThirteen() throws {
        let mdp = try cliffWalking
        let result = mdp.valueIteration(gamma: 1)
        XCTAssertTrue(result.converged)
        XCTAssertEqual(result.values[CliffWalking.startState], -13)
        XCTAssertEqual(result.startValue, -13)
        // Follow the greedy policy on the deterministic grid: up, eleven times right, down.
        var state = CliffWalking.startState, path: [Int] = []
        while state != CliffWalking.goalState && path.count < 50 {
            let outcome = mdp.outcomes[state][result.policy[state]][0]
            path.append(result.policy[state])
            state = outcome.nextState
        }
        XCTAssertEqual(path, [0] + Array(repeating: 1, count: 11) + [2])
        let iterated = mdp.policyIteration(gamma: 0.9)
        assertClose(iterated.values, mdp.valueIteration(gamma: 0.9, tolerance: 1e-12).values, accuracy: 1e-8)
    }

    /// Policy evaluation against the solution of `(I − γ P_π) V = r_π` on the three-state MDP.
    func testPolicyEvaluationMatchesClosedForm() {
        let mdp = ThreeStateMDP.mdp
        let gamma = 0.9
        // Deterministic [0, 0, 1]: V0 = 7 / (1 − 0.7γ), V1 = 0, V2 = (32 + 0.8γ V0) / (1 − 0.1γ).
        let deterministic = mdp.evaluatePolicy(TabularPolicy(actions: [0, 0, 1], actionCount: 3), gamma: gamma, tolerance: 1e-13)
        let v0 = 7 / (1 - 0.7 * gamma)
        assertClose(deterministic.values, [v0, 0, (32 + 0.8 * gamma * v0) / (1 - 0.1 * gamma)], accuracy: 1e-9)

        // Uniform over the possible actions: P_π and r_π by hand from the book's tables.
        let policy = TabularPolicy.uniform(over: mdp)
        XCTAssertEqual(policy.probabilities, [[1.0 / 3, 1.0 / 3, 1.0 / 3], [0.5, 0, 0.5], [0, 1, 0]])
        let p: [[Double]] = [
            [(0.7 + 1 + 0.8) / 3, (0.3 + 0.2) / 3, 0],
            [0, 0.5, 0.5],
            [0.8, 0.1, 0.1],
        ]
        let r = [7.0 / 3, -25, 32]
        let a = (0..<3).map { i in (0..<3).map { j in (i == j ? 1 : 0) - gamma * p[i][j] } }
        let expected = solve3x3(a, r)
        let evaluated = mdp.evaluatePolicy(policy, gamma: gamma, tolerance: 1e-13)
        XCTAssertTrue(evaluated.converged)
        assertClose(evaluated.values, expected, accuracy: 1e-9)
        // The improved policy of one evaluation step.
        XCTAssertEqual(evaluated.policy, TabularPolicy.greedy(qValues: evaluated.qValues).actions)
    }

    /// Cramer's rule.
    private func solve3x3(_ a: [[Double]], _ b: [Double]) -> [Double] {
        func det(_ m: [[Double]]) -> Double {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        }
        let d = det(a)
        return (0..<3).map { column in
            det(a.enumerated().map { i, row in row.enumerated().map { j, x in j == column ? b[i] : x } }) / d
        }
    }

    /// Sutton & Barto's random walk (Example 6.2): states A–E between two terminals, +1 for
    /// leaving on the right; the true values are 1/6 … 5/6.
    func testTDZeroLearnsTheRandomWalkValues() throws {
        let outcomes: [[[TabularTransition]]] = (0..<7).map { s in
            guard (1...5).contains(s) else { return [[]] }
            return [[
                TabularTransition(probability: 0.5, nextState: s - 1, reward: 0, terminated: s - 1 == 0),
                TabularTransition(probability: 0.5, nextState: s + 1, reward: s + 1 == 6 ? 1 : 0, terminated: s + 1 == 6),
            ]]
        }
        let mdp = TabularMDP(outcomes: outcomes, initialStateDistribution: [0, 0, 0, 1, 0, 0, 0])
        let truth = [0, 1.0 / 6, 2.0 / 6, 3.0 / 6, 4.0 / 6, 5.0 / 6, 0]
        assertClose(mdp.evaluatePolicy(.uniform(over: mdp), gamma: 1, tolerance: 1e-13).values, truth, accuracy: 1e-9)

        let environment = try TabularMDPEnvironment(mdp: mdp, id: "RandomWalk")
        let estimator = try TDZeroValueEstimator(environment: environment, gamma: 1, learningRate: 0.1,
                                                 learningRateDecay: 1e-3, initialValue: 0.5)
        let driver = Driver(environment: environment, policy: try StateIndexedPolicy(.uniform(over: mdp), environment: environment),
                            observers: [estimator], seed: 7)
        try driver.run(episodes: 1_000)
        let errors = (1...5).map { estimator.values[$0] - truth[$0] }
        let rms = (errors.map { $0 * $0 }.reduce(0, +) / 5).squareRoot()
        XCTAssertLessThan(rms, 0.03, "TD(0) values \(estimator.values)")
        XCTAssertEqual(estimator.updates, driver.totalSteps)
        // Terminal states are never updated; they keep their initial value and are not bootstrapped from.
        XCTAssertEqual(estimator.values[0], 0.5)
        XCTAssertEqual(estimator.values[6], 0.5)
    }

    func testTabularPolicySamplesItsProbabilities() {
        let policy = TabularPolicy(probabilities: [[0.2, 0, 0.8]])
        var generator = RandomGenerator(seed: 3)
        var counts = [0, 0, 0]
        for _ in 0..<10_000 { counts[policy.action(in: 0, using: &generator)] += 1 }
        XCTAssertEqual(counts[1], 0)
        XCTAssertEqual(Double(counts[0]) / 10_000, 0.2, accuracy: 0.015)
        XCTAssertNil(policy.actions)
        XCTAssertEqual(TabularPolicy(actions: [2, 0], actionCount: 3).actions, [2, 0])
        XCTAssertEqual(TabularPolicy.greedy(qValues: [[-.infinity, 1, 1], [-.infinity, -.infinity, -.infinity]]).actions, [1, 0])
    }
}
