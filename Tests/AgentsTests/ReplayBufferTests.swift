import Agents
import Environments
import Foundation
import Networks
import Randomness
import XCTest

/// Feeds hand-made episodes whose observations are single floats, so every sampled value
/// says where it came from.
private func step(_ copy: Int = 0, _ observation: Float, _ next: Float, reward: Double, first: Bool = false,
                  terminated: Bool = false, truncated: Bool = false, action: Int = 0) -> Transition {
    Transition(environmentIndex: copy, observation: .float32([observation], shape: [1]), action: .discrete(action),
               reward: reward, nextObservation: .float32([next], shape: [1]), terminated: terminated,
               truncated: truncated, isFirst: first)
}

/// An episode whose observations are `base + t` and rewards `rewards[t]`; its final
/// observation is `base + rewards.count`.
private func feedEpisode(_ buffer: ReplayBuffer, copy: Int = 0, base: Float, rewards: [Double],
                         terminated: Bool = false, truncated: Bool = false) throws {
    for (t, reward) in rewards.enumerated() {
        let last = t == rewards.count - 1
        try buffer.observe(step(copy, base + Float(t), base + Float(t + 1), reward: reward, first: t == 0,
                                terminated: last && terminated, truncated: last && truncated, action: t))
    }
}

final class ReplayBufferTests: XCTestCase {
    func testRingKeepsTheNewestTransitionsAndNextObservationsAcrossWrapAround() throws {
        let buffer = ReplayBuffer(capacity: 10, observationShape: [1])
        // One long episode: observations 0, 1, ..., 20; 20 transitions, 21 slots written.
        try feedEpisode(buffer, base: 0, rewards: (0..<20).map(Double.init))
        XCTAssertEqual(buffer.written, 21)
        // Slots hold observations 11...20; 20 is still pending (no action yet).
        XCTAssertEqual(buffer.transitionCount, 9)
        var generator = RandomGenerator(seed: 1)
        var seen = Set<Float>()
        for _ in 0..<50 {
            let batch = try buffer.sample(batchSize: 16, using: &generator)
            for row in 0..<16 {
                let observation = batch.observations[row]
                seen.insert(observation)
                XCTAssertEqual(batch.nextObservations[row], observation + 1)
                XCTAssertEqual(batch.rewards[row], observation)
                XCTAssertEqual(batch.discreteActions[row], Int32(observation))
                XCTAssertEqual(batch.discounts[row], 1)
            }
        }
        XCTAssertEqual(seen, Set((11...19).map(Float.init)))
    }

    func testInterleavedCopiesLinkToTheirOwnNextObservations() throws {
        let buffer = ReplayBuffer(capacity: 64, observationShape: [1])
        for t in 0..<40 {
            for copy in 0..<3 {
                let base = Float(1000 * copy)
                try buffer.observe(step(copy, base + Float(t), base + Float(t + 1), reward: 0, first: t == 0))
            }
        }
        var generator = RandomGenerator(seed: 2)
        let batch = try buffer.sample(batchSize: 256, using: &generator)
        for row in 0..<256 { XCTAssertEqual(batch.nextObservations[row], batch.observations[row] + 1) }
    }

    func testTruncatedEpisodeBootstrapsFromItsRealFinalObservation() throws {
        let buffer = ReplayBuffer(capacity: 32, observationShape: [1])
        // Observations 0, 1, 2, final 3 (truncated); then a new episode at 100.
        try feedEpisode(buffer, base: 0, rewards: [1, 1, 1], truncated: true)
        try feedEpisode(buffer, base: 100, rewards: [5, 5], terminated: true)
        var generator = RandomGenerator(seed: 3)
        let batch = try buffer.sample(batchSize: 200, gamma: 0.9, using: &generator)
        var sawLast = false
        for row in 0..<200 where batch.observations[row] == 2 {
            sawLast = true
            XCTAssertEqual(batch.nextObservations[row], 3, "the final observation, not the next episode's first (100)")
            XCTAssertTrue(batch.truncated[row])
            XCTAssertFalse(batch.terminated[row])
            XCTAssertEqual(batch.discounts[row], 0.9, accuracy: 1e-6, "truncation still bootstraps")
        }
        XCTAssertTrue(sawLast)
        for row in 0..<200 where batch.observations[row] == 101 {
            XCTAssertEqual(batch.nextObservations[row], 102)
            XCTAssertTrue(batch.terminated[row])
            XCTAssertEqual(batch.discounts[row], 0)
        }
        // Final observations are never sampled as transitions.
        XCTAssertFalse(batch.observations.contains(3))
        XCTAssertFalse(batch.observations.contains(102))
    }

    func testNStepReturnsMatchHandComputedValues() throws {
        let buffer = ReplayBuffer(capacity: 64, observationShape: [1])
        try feedEpisode(buffer, base: 0, rewards: [1, 2, 3, 4], terminated: true)  // obs 0...3, final 4
        try feedEpisode(buffer, base: 10, rewards: [1, 1], truncated: true)        // obs 10, 11, final 12
        try feedEpisode(buffer, base: 20, rewards: [2, 2])                         // obs 20, 21, pending 22
        let gamma = 0.9
        // (reward sum, bootstrap observation, discount, terminated, truncated, steps)
        let expected: [Float: (Float, Float, Float, Bool, Bool, Int32)] = [
            0: (1 + 0.9 * 2 + 0.81 * 3, 3, 0.729, false, false, 3),
            1: (2 + 0.9 * 3 + 0.81 * 4, 4, 0, true, false, 3),
            2: (3 + 0.9 * 4, 4, 0, true, false, 2),
            3: (4, 4, 0, true, false, 1),
            10: (1 + 0.9, 12, 0.81, false, true, 2),
            11: (1, 12, 0.9, false, true, 1),
            // The copy's newest observation (22) is the write head: the window stops there.
            20: (2 + 0.9 * 2, 22, 0.81, false, false, 2),
            21: (2, 22, 0.9, false, false, 1),
        ]
        var generator = RandomGenerator(seed: 4)
        let batch = try buffer.sample(batchSize: 400, nSteps: 3, gamma: gamma, using: &generator)
        var seen = Set<Float>()
        for row in 0..<400 {
            let observation = batch.observations[row]
            seen.insert(observation)
            let (sum, bootstrap, discount, terminated, truncated, steps) = try XCTUnwrap(expected[observation])
            XCTAssertEqual(batch.rewards[row], sum, accuracy: 1e-5, "return from \(observation)")
            XCTAssertEqual(batch.nextObservations[row], bootstrap, "bootstrap from \(observation)")
            XCTAssertEqual(batch.discounts[row], discount, accuracy: 1e-6, "discount from \(observation)")
            XCTAssertEqual(batch.terminated[row], terminated)
            XCTAssertEqual(batch.truncated[row], truncated)
            XCTAssertEqual(batch.steps[row], steps)
        }
        XCTAssertEqual(seen, Set(expected.keys))
    }

    func testTrajectoriesNeverCrossEpisodeEndsOrTheWriteHead() throws {
        let buffer = ReplayBuffer(capacity: 40, observationShape: [1])
        // Episode e has observations 100e + t; lengths 2, 5, 3, 6, and a 2-step one in progress.
        for (e, length) in [2, 5, 3, 6].enumerated() {
            try feedEpisode(buffer, base: Float(100 * e), rewards: Array(repeating: 1, count: length),
                            terminated: e % 2 == 0, truncated: e % 2 == 1)
        }
        try feedEpisode(buffer, base: 400, rewards: [1, 1])
        var generator = RandomGenerator(seed: 5)
        let t = 3
        let trajectories = try buffer.sampleTrajectories(batchSize: 300, numSteps: t, using: &generator)
        var starts = Set<Float>()
        for row in 0..<300 {
            let observations = (0...t).map { trajectories.observations[row * (t + 1) + $0] }
            starts.insert(observations[0])
            let episode = Int(observations[0]) / 100
            for k in 1...t { XCTAssertEqual(observations[k], observations[0] + Float(k)) }
            XCTAssertTrue(observations.allSatisfy { Int($0) / 100 == episode })
            for k in 0..<(t - 1) {
                XCTAssertFalse(trajectories.terminated[row * t + k] || trajectories.truncated[row * t + k])
            }
        }
        // Episode 1 (5 steps): starts 100...102; episode 2 (3 steps): 200; episode 3 (6 steps): 300...303.
        XCTAssertEqual(starts, [100, 101, 102, 200, 300, 301, 302, 303])
        XCTAssertThrowsError(try buffer.sampleTrajectories(batchSize: 1, numSteps: 7, using: &generator))
    }

    func testSameSeedDrawsTheSameBatches() throws {
        let buffer = ReplayBuffer(capacity: 100, observationShape: [1])
        try feedEpisode(buffer, base: 0, rewards: (0..<150).map { Double($0 % 7) })
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9), c = RandomGenerator(seed: 10)
        let first = try buffer.sample(batchSize: 32, nSteps: 3, gamma: 0.99, using: &a)
        let second = try buffer.sample(batchSize: 32, nSteps: 3, gamma: 0.99, using: &b)
        let other = try buffer.sample(batchSize: 32, nSteps: 3, gamma: 0.99, using: &c)
        XCTAssertEqual(first.indices, second.indices)
        XCTAssertEqual(first.observations, second.observations)
        XCTAssertEqual(first.rewards, second.rewards)
        XCTAssertNotEqual(first.indices, other.indices)
    }

    func testSamplingAnEmptyBufferThrows() {
        let buffer = ReplayBuffer(capacity: 10, observationShape: [1])
        var generator = RandomGenerator(seed: 0)
        XCTAssertThrowsError(try buffer.sample(batchSize: 1, using: &generator))
        XCTAssertThrowsError(try buffer.observe(Transition(observation: .float32([1, 2], shape: [2]), action: .discrete(0),
                                                           reward: 0, nextObservation: .float32([1, 2], shape: [2]),
                                                           terminated: false, truncated: false)))
    }

    func testDriverFeedsTheBufferWithChainedTransitions() throws {
        let environment = try Registry.shared.make("CartPole-v1", options: ["max_episode_steps": "30"])
        let buffer = try ReplayBuffer(capacity: 500, observationSpace: environment.observationSpace,
                                      actionSpace: environment.actionSpace)
        var transitions: [Transition] = []
        let driver = Driver(environment: environment, policy: RandomPolicy(actionSpace: environment.actionSpace),
                            observers: [buffer, ClosureObserver { transitions.append($0) }], seed: 11)
        try driver.run(steps: 1_000)
        // Every sampled (observation, action, next observation) is one the driver produced.
        var known: [[Float]: (Int32, [Float], Bool)] = [:]
        for t in transitions { known[t.observation.floats] = (Int32(t.action.discreteValue!), t.nextObservation.floats, t.terminated) }
        var generator = RandomGenerator(seed: 12)
        let batch = try buffer.sample(batchSize: 64, using: &generator)
        for row in 0..<64 {
            let observation = Array(batch.observations[(row * 4)..<(row * 4 + 4)])
            let (action, next, terminated) = try XCTUnwrap(known[observation])
            XCTAssertEqual(batch.discreteActions[row], action)
            XCTAssertEqual(Array(batch.nextObservations[(row * 4)..<(row * 4 + 4)]), next)
            XCTAssertEqual(batch.terminated[row], terminated)
        }
    }
}
