import Agents
import Environments
import Randomness
import XCTest

final class RolloutBufferTests: XCTestCase {
    /// One environment, four steps, rewards 1...4, values 0.5...2; `end` marks step 1.
    private func buffer(end: (terminated: Bool, truncated: Bool)? = nil, finalValue: Float = 10) throws -> RolloutBuffer {
        let buffer = try RolloutBuffer(steps: 4, observationSpace: .box(low: -10, high: 10, shape: [1]),
                                       actionSpace: .discrete(2))
        for t in 0..<4 {
            let ends = t == 1 ? end : nil
            try buffer.observe(Transition(
                observation: .float32([Float(t)], shape: [1]), action: .discrete(t % 2), reward: Double(t + 1),
                nextObservation: .float32([99], shape: [1]), terminated: ends?.terminated ?? false,
                truncated: ends?.truncated ?? false, policyInfo: PolicyInfo(logProbability: -0.5, value: 0.5 * Double(t + 1))))
        }
        for (slot, _) in buffer.truncations { buffer.setFinalValue(finalValue, forSlot: slot) }
        return buffer
    }

    private func assertClose(_ a: [Float], _ b: [Float], accuracy: Float = 1e-5, _ message: String = "",
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b) \(message)", file: file, line: line) }
    }

    /// δ_t = r_t + γ V_next − V_t, A_t = δ_t + γλ A_{t+1}, by hand with γ 0.9, λ 0.8.
    func testGeneralizedAdvantagesByHand() throws {
        let through = try buffer()
        through.computeReturnsAndAdvantages(lastValues: [3], gamma: 0.9, lambda: 0.8)
        // δ = [1.4, 2.35, 3.3, 4.7]
        assertClose(through.advantages, [6.5569856, 7.16248, 6.684, 4.7])
        assertClose(through.returns, [7.0569856, 8.16248, 8.184, 6.7])

        // A termination at step 1: no next value, and the recursion stops there.
        let terminated = try buffer(end: (true, false))
        terminated.computeReturnsAndAdvantages(lastValues: [3], gamma: 0.9, lambda: 0.8)
        assertClose(terminated.advantages, [1.4 + 0.72 * 1, 1, 6.684, 4.7])

        // A truncation at step 1 bootstraps from V(final observation) = 10, then stops.
        let truncated = try buffer(end: (false, true))
        XCTAssertEqual(truncated.truncations.map(\.slot), [1])
        XCTAssertEqual(truncated.truncations[0].observation, .float32([99], shape: [1]), "the real final observation")
        truncated.computeReturnsAndAdvantages(lastValues: [3], gamma: 0.9, lambda: 0.8)
        assertClose(truncated.advantages, [1.4 + 0.72 * 10, 2 + 9 - 1, 6.684, 4.7])
    }

    /// λ = 1: the n-step bootstrapped returns R_t = r_t + γ R_{t+1} of A2C.
    func testLambdaOneGivesNStepBootstrappedReturns() throws {
        let through = try buffer()
        through.computeReturnsAndAdvantages(lastValues: [3], gamma: 0.9, lambda: 1)
        assertClose(through.returns, [10.1143, 10.127, 9.03, 6.7])
        let truncated = try buffer(end: (false, true))
        truncated.computeReturnsAndAdvantages(lastValues: [3], gamma: 0.9, lambda: 1)
        assertClose(truncated.returns, [1 + 0.9 * 11, 2 + 0.9 * 10, 9.03, 6.7], "truncation bootstraps, termination would not")
        let terminated = try buffer(end: (true, false))
        terminated.computeReturnsAndAdvantages(lastValues: [3], gamma: 0.9, lambda: 1)
        assertClose(terminated.returns, [1 + 0.9 * 2, 2, 9.03, 6.7])
    }

    /// Two environments through a vector driver land in slots t·2 + e, each with its own
    /// recursion; the buffer refuses a step past its length.
    func testVectorEnvironmentsFillTheirOwnSlots() throws {
        let env = try SyncVectorEnvironment(count: 2) { _ in try make("CartPole-v1") }
        let buffer = try RolloutBuffer(steps: 3, environmentCount: 2, observationSpace: env.singleObservationSpace,
                                       actionSpace: env.singleActionSpace)
        let policy = ScriptedPolicy(actionSpace: .discrete(2)) { _, _ in .discrete(1) }
        let driver = VectorDriver(environment: env, policy: policy, observers: [buffer], seed: 7)
        for _ in 0..<3 { _ = try driver.step() }
        XCTAssertTrue(buffer.isFull)
        XCTAssertEqual(buffer.discreteActions, [1, 1, 1, 1, 1, 1])
        // Copy e starts from its reset with seed 7 + e (Gymnasium's rule), in slot e.
        let encoder = ObservationEncoder(space: env.singleObservationSpace)
        for e in 0..<2 {
            let (first, _) = try make("CartPole-v1").reset(seed: 7 + UInt64(e))
            XCTAssertEqual(Array(buffer.observations[(4 * e)..<(4 * e + 4)]), try encoder.encode(first))
        }
        XCTAssertThrowsError(try driver.step()) { error in
            XCTAssertEqual(error as? RolloutBufferError, .full(environment: 0, steps: 3))
        }
        buffer.setValues([Float](repeating: 0, count: 6))
        buffer.computeReturnsAndAdvantages(lastValues: [0, 0], gamma: 1, lambda: 1)
        XCTAssertEqual(buffer.returns, [3, 3, 2, 2, 1, 1], "rewards of 1 summed to the end of each environment's rollout")
        buffer.reset()
        XCTAssertFalse(buffer.isFull)
        XCTAssertNoThrow(try driver.step())
    }

    func testMinibatchesCoverEverySlotOnceAndRepeatUnderASeed() throws {
        let buffer = try RolloutBuffer(steps: 5, environmentCount: 2, observationSpace: .box(low: 0, high: 1, shape: [1]),
                                       actionSpace: .box(low: -1, high: 1, shape: [2]))
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
        let batches = buffer.minibatches(size: 4, using: &a)
        XCTAssertEqual(batches.map(\.count), [4, 4, 2])
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<10))
        XCTAssertEqual(buffer.minibatches(size: 4, using: &b), batches)
        XCTAssertNotEqual(buffer.minibatches(size: 4, using: &a), batches, "each epoch reshuffles")
    }

    /// Mean 0 and sample standard deviation 1 (torch's `std`, as SB3 and CleanRL use).
    func testAdvantageNormalisation() {
        let s = (5.0 / 3).squareRoot()
        assertClose(RolloutBuffer.normalized([1, 2, 3, 4]), [-1.5, -0.5, 0.5, 1.5].map { Float($0 / s) }, accuracy: 1e-6)
        XCTAssertEqual(RolloutBuffer.normalized([2]), [2], "one advantage is left as it is")
    }

    func testContinuousActionsAndUnsupportedSpaces() throws {
        let buffer = try RolloutBuffer(steps: 1, observationSpace: .discrete(3), actionSpace: .box(low: -2, high: 2, shape: [2]))
        try buffer.observe(Transition(observation: .discrete(2), action: .float32([0.5, -1], shape: [2]), reward: 1,
                                      nextObservation: .discrete(0), terminated: true, truncated: false))
        XCTAssertEqual(buffer.continuousActions, [0.5, -1])
        XCTAssertEqual(buffer.observations, [0, 0, 1], "discrete observations are stored one-hot")
        XCTAssertTrue(buffer.logProbabilities[0].isNaN, "a policy that reports no log-probability leaves NaN")
        XCTAssertThrowsError(try RolloutBuffer(steps: 1, observationSpace: .discrete(3), actionSpace: .multiDiscrete([2, 2])))
        let discrete = try RolloutBuffer(steps: 1, observationSpace: .discrete(3), actionSpace: .discrete(2))
        XCTAssertThrowsError(try discrete.observe(Transition(observation: .discrete(2), action: .float32([0.5], shape: [1]),
                                                             reward: 1, nextObservation: .discrete(0), terminated: true,
                                                             truncated: false))) { error in
            XCTAssertTrue("\(error)".contains("does not fit"), "\(error)")
        }
    }
}
