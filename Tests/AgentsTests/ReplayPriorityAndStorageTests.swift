import Agents
import Environments
import Foundation
import Networks
import Randomness
import XCTest

private func scalarStep(_ observation: Float, _ next: Float, first: Bool = false, terminated: Bool = false) -> Transition {
    Transition(observation: .float32([observation], shape: [1]), action: .discrete(Int(observation)), reward: Double(observation),
               nextObservation: .float32([next], shape: [1]), terminated: terminated, truncated: false, isFirst: first)
}

final class ReplayPriorityAndStorageTests: XCTestCase {
    func testSumTreeSumsAndProportionalSamplingFrequencies() {
        var tree = SumTree(count: 6)
        let leaves: [Double] = [1, 2, 3, 4, 0, 10]
        for (i, v) in leaves.enumerated() { tree[i] = v }
        XCTAssertEqual(tree.total, 20)
        tree[2] = 5
        XCTAssertEqual(tree.total, 22)
        XCTAssertEqual(tree.index(forPrefixSum: 0), 0)
        XCTAssertEqual(tree.index(forPrefixSum: 2.999), 1)
        XCTAssertEqual(tree.index(forPrefixSum: 3), 2)
        XCTAssertEqual(tree.index(forPrefixSum: 12), 5, "the zero leaf 4 is never chosen")
        var generator = RandomGenerator(seed: 21)
        var counts = [Int](repeating: 0, count: 6)
        let draws = 100_000
        for _ in 0..<draws { counts[tree.index(forPrefixSum: generator.uniformDouble() * tree.total)] += 1 }
        XCTAssertEqual(counts[4], 0)
        // Chi-square over the 5 non-zero leaves (4 degrees of freedom): 18.5 is its 0.999 quantile.
        var chiSquare = 0.0
        for (i, v) in [1.0, 2, 5, 4, 0, 10].enumerated() where v > 0 {
            let expected = Double(draws) * v / 22
            chiSquare += pow(Double(counts[i]) - expected, 2) / expected
        }
        XCTAssertLessThan(chiSquare, 18.5)
        var minimum = MinTree(count: 5)
        XCTAssertEqual(minimum.minimum, .infinity)
        minimum[3] = 2; minimum[1] = 0.5
        XCTAssertEqual(minimum.minimum, 0.5)
        minimum[1] = .infinity
        XCTAssertEqual(minimum.minimum, 2)
    }

    private func prioritizedBuffer(beta: LearningRateSchedule = 0.4) throws -> PrioritizedReplayBuffer {
        let buffer = PrioritizedReplayBuffer(capacity: 16, observationShape: [1], alpha: 0.5, beta: beta, epsilon: 0.5)
        for t in 0..<3 { try buffer.observe(scalarStep(Float(t), Float(t + 1), first: t == 0, terminated: t == 2)) }
        return buffer
    }

    func testImportanceWeightsAndPriorityUpdatesMatchHandComputedValues() throws {
        let buffer = try prioritizedBuffer()
        var generator = RandomGenerator(seed: 22)
        let initial = try buffer.sample(batchSize: 8, using: &generator)
        XCTAssertEqual(initial.weights, Array(repeating: 1, count: 8), "all at the initial max priority 1")
        // Slots of observations 0, 1, 2 are 0, 1, 2 (their next observations go to slots 1, 2, 3).
        // |δ| + ε = 1, 2, 4; p^α = 1, √2, 2.
        buffer.updatePriorities(indices: [0, 1, 2], tdErrors: [0.5, -1.5, 3.5])
        XCTAssertEqual(buffer.priorityWeight(ofSlot: 0), 1, accuracy: 1e-12)
        XCTAssertEqual(buffer.priorityWeight(ofSlot: 1), 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(buffer.priorityWeight(ofSlot: 2), 2, accuracy: 1e-12)
        XCTAssertEqual(buffer.priorityWeight(ofSlot: 3), 0, "a final observation is never drawn")
        XCTAssertEqual(buffer.maxPriority, 4)
        // w_i = (N P(i))^-β / max_j w_j = (p_i^α / min_j p_j^α)^-β with β = 0.4.
        let batch = try buffer.sample(batchSize: 64, using: &generator)
        let expected: [Float: Float] = [0: 1, 1: Float(pow(2.0.squareRoot(), -0.4)), 2: Float(pow(2.0, -0.4))]
        for row in 0..<64 {
            XCTAssertEqual(batch.weights[row], try XCTUnwrap(expected[batch.observations[row]]), accuracy: 1e-6)
        }
        // A new transition enters at the max priority: p^α = 4^0.5 = 2.
        try buffer.observe(scalarStep(10, 11, first: true))
        XCTAssertEqual(buffer.priorityWeight(ofSlot: 4), 2, accuracy: 1e-12)
        XCTAssertEqual(buffer.totalPriorityWeight, 1 + 2.0.squareRoot() + 2 + 2, accuracy: 1e-12)
    }

    func testPrioritizedSamplingFrequenciesAreProportional() throws {
        let buffer = try prioritizedBuffer()
        buffer.updatePriorities(indices: [0, 1, 2], tdErrors: [0.5, 1.5, 3.5])
        var generator = RandomGenerator(seed: 23)
        var counts: [Float: Int] = [:]
        let rounds = 2_000, batchSize = 32
        for _ in 0..<rounds {
            let batch = try buffer.sample(batchSize: batchSize, using: &generator)
            for v in batch.observations { counts[v, default: 0] += 1 }
        }
        let weights: [Float: Double] = [0: 1, 1: 2.0.squareRoot(), 2: 2]
        let total = weights.values.reduce(0, +), n = Double(rounds * batchSize)
        var chiSquare = 0.0
        for (v, w) in weights {
            let expected = n * w / total
            chiSquare += pow(Double(counts[v, default: 0]) - expected, 2) / expected
        }
        // Stratification makes counts tighter than multinomial; 13.8 is chi-square(2)'s 0.999 quantile.
        XCTAssertLessThan(chiSquare, 13.8)
    }

    func testBetaFollowsItsScheduleOverObservedTransitions() throws {
        let buffer = try prioritizedBuffer(beta: .linear(from: 0.4, to: 1, steps: 6))
        XCTAssertEqual(buffer.currentBeta, 0.7, accuracy: 1e-6, "3 of 6 steps")
        for t in 0..<3 { try buffer.observe(scalarStep(Float(20 + t), Float(21 + t), first: t == 0)) }
        XCTAssertEqual(buffer.currentBeta, 1, accuracy: 1e-6)
    }

    func testFrameStacksAreRebuiltAsFrameStackWouldHaveGivenThem() throws {
        for padding in [ReplayStackPadding.reset, .zero] {
            // Frames of 2 bytes; frame t of episode e holds 10e + t + 1. Capacity 12 forces wrap-around.
            let buffer = ReplayBuffer(capacity: 12, observationShape: [4, 2], observationType: .uint8, frameStack: 4,
                                      stackPadding: padding)
            func stack(_ e: Int, _ t: Int) -> [UInt8] {
                (0..<4).flatMap { j -> [UInt8] in
                    let s = t - 3 + j
                    let value = s >= 0 ? UInt8(10 * e + s + 1) : (padding == .reset ? UInt8(10 * e + 1) : 0)
                    return [value, value]
                }
            }
            var expected: [Float: [Float]] = [:]
            for (e, length) in [3, 6, 4].enumerated() {
                for t in 0..<length {
                    expected[Float(10 * e + t + 1)] = stack(e, t).map(Float.init)
                    expected[Float(10 * e + t + 2)] = stack(e, t + 1).map(Float.init)
                    try buffer.observe(Transition(observation: .uint8(stack(e, t), shape: [4, 2]), action: .discrete(t),
                                                  reward: 0, nextObservation: .uint8(stack(e, t + 1), shape: [4, 2]),
                                                  terminated: t == length - 1, truncated: false, isFirst: t == 0))
                }
            }
            var generator = RandomGenerator(seed: 24)
            let batch = try buffer.sample(batchSize: 100, using: &generator)
            for row in 0..<100 {
                let observation = Array(batch.observations[(row * 8)..<(row * 8 + 8)])
                let next = Array(batch.nextObservations[(row * 8)..<(row * 8 + 8)])
                XCTAssertEqual(observation, expected[observation[7]], "\(padding)")
                XCTAssertEqual(next, expected[next[7]], "\(padding)")
                XCTAssertEqual(next[7], observation[7] + 1)
            }
        }
    }

    func testStoredBytesPerAtariFrame() {
        let buffer = ReplayBuffer(capacity: 1_000, observationShape: [4, 84, 84], observationType: .uint8, frameStack: 4)
        let perSlot = Double(buffer.storageByteCount) / 1_000
        // One 84×84 frame (7,056 bytes) plus 31 bytes of action, reward, flags and links.
        XCTAssertEqual(perSlot, 7_056 + 31, accuracy: 0.5)
        XCTAssertLessThan(perSlot * 1_000_000, 7.1e9, "1M frames fit in about 7 GB")
    }

    func testSaveAndRestoreRoundTripContinuesIdentically() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("buffer.safetensors")
        func make() -> PrioritizedReplayBuffer {
            PrioritizedReplayBuffer(capacity: 20, observationShape: [1], beta: .linear(from: 0.4, to: 1, steps: 50))
        }
        let original = make()
        for t in 0..<27 { try original.observe(scalarStep(Float(t), Float(t + 1), first: t == 0, terminated: t == 9)) }
        original.updatePriorities(indices: [3, 5, 7], tdErrors: [2, 0.1, 4])
        try original.write(to: url)
        let savedCount = original.transitionCount
        let restored = make()
        try restored.restore(from: url)
        for buffer in [original, restored] {
            try buffer.observe(scalarStep(27, 28))
        }
        var a = RandomGenerator(seed: 25), b = RandomGenerator(seed: 25)
        let first = try original.sample(batchSize: 16, nSteps: 3, gamma: 0.9, using: &a)
        let second = try restored.sample(batchSize: 16, nSteps: 3, gamma: 0.9, using: &b)
        XCTAssertEqual(first.indices, second.indices)
        XCTAssertEqual(first.observations, second.observations)
        XCTAssertEqual(first.nextObservations, second.nextObservations)
        XCTAssertEqual(first.rewards, second.rewards)
        XCTAssertEqual(first.weights, second.weights)
        XCTAssertEqual(restored.maxPriority, original.maxPriority)
        XCTAssertEqual(restored.observedTransitions, 28)
        // A buffer of another configuration refuses the file and names why.
        let other = ReplayBuffer(capacity: 30, observationShape: [1])
        XCTAssertThrowsError(try other.restore(from: url)) { error in
            XCTAssertTrue("\(error)".contains("capacity 20"), "\(error)")
        }
        let uniform = ReplayBuffer(capacity: 20, observationShape: [1])
        try uniform.restore(from: url)
        XCTAssertEqual(uniform.transitionCount, savedCount, "a uniform buffer takes the transitions, not the priorities")
    }

    func testAFullHundredThousandBufferSamplesOnlyItsNewestValidTransitions() throws {
        // Speed belongs in benchmarks; this checks what a large, wrapped buffer returns.
        let buffer = ReplayBuffer(capacity: 100_000, observationShape: [4])
        let prioritized = PrioritizedReplayBuffer(capacity: 100_000, observationShape: [4])
        var generator = RandomGenerator(seed: 26)
        for t in 0..<100_500 {
            let o = Float(t)
            let transition = Transition(observation: .float32([o, o, o, o], shape: [4]), action: .discrete(t % 2),
                                        reward: 1, nextObservation: .float32([o + 1, o + 1, o + 1, o + 1], shape: [4]),
                                        terminated: t % 200 == 199, truncated: false, isFirst: t % 200 == 0)
            try buffer.observe(transition)
            try prioritized.observe(transition)
        }
        for target in [buffer as ReplayBuffer, prioritized] {
            for batchSize in [32, 64] {
                for _ in 0..<50 {
                    let batch = try target.sample(batchSize: batchSize, using: &generator)
                    XCTAssertEqual(batch.batchSize, batchSize)
                    for i in 0..<batchSize {
                        let o = batch.observations[4 * i], next = batch.nextObservations[4 * i]
                        XCTAssertEqual(next, o + 1, "the next observation is the following step's")
                        XCTAssertGreaterThan(o, 100_500 - 100_000 - 200, "only the newest transitions remain")
                        XCTAssertEqual(Int(batch.discreteActions[i]), Int(o) % 2)
                    }
                }
            }
        }
    }
}
