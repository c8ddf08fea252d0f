import XCTest
import Environments
import Randomness

/// A one-dimensional walk for testing vector machinery: the observation is a position that
/// starts at a seed-dependent value and moves by the action (0: -1, 1: +1, 2: stay); the
/// episode terminates once |position| reaches `bound`. It records every seed it was reset
/// with, and can burn time per step to look like an expensive environment.
final class WalkEnvironment: Environment {
    let bound: Int
    let spin: Int
    var position = 0
    var seeds: [UInt64?] = []
    var generator = RandomGenerator(seed: 99)
    var done = true
    init(bound: Int = 3, spin: Int = 0) {
        self.bound = bound
        self.spin = spin
    }
    var observationSpace: Space { .box(low: -100, high: 100, shape: [2]) }
    var actionSpace: Space { .discrete(3) }
    var id: String { "Walk" }
    var observation: Observation { .float32([Float(position), Float(position * position)], shape: [2]) }

    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        seeds.append(seed)
        if let seed { generator = RandomGenerator(seed: seed) }
        position = generator.int(below: 2 * bound - 1) - (bound - 1)
        done = false
        return (observation, ["reset": .bool(true)])
    }

    func step(_ action: Action) throws -> Step {
        if done { throw EnvironmentError.stepAfterDone(id: id) }
        if let reason = actionSpace.violation(of: action) { throw EnvironmentError.invalidAction(id: id, reason: reason) }
        var sink = 0.0
        for k in 0..<spin { sink += Double(k).squareRoot() }
        position += [-1, 1, 0][action.discreteValue!] + (sink < 0 ? 1 : 0)
        done = abs(position) >= bound
        return Step(observation: observation, reward: Double(position), terminated: done, truncated: false,
                    info: ["position": .int(position)])
    }
}

final class SyncVectorEnvironmentTests: XCTestCase {
    func walks(_ count: Int, bound: Int = 3, limit: Int? = nil, parallelism: VectorParallelism = .sequential,
               spin: Int = 0) throws -> (SyncVectorEnvironment, [WalkEnvironment]) {
        var inner: [WalkEnvironment] = []
        let vector = try SyncVectorEnvironment(count: count, parallelism: parallelism) { _ in
            let walk = WalkEnvironment(bound: bound, spin: spin)
            inner.append(walk)
            return limit.map { TimeLimit(walk, maxEpisodeSteps: $0) } ?? walk
        }
        return (vector, inner)
    }

    func testAutoResetReturnsFinalObservationAndNextFirstObservation() throws {
        let (vector, inner) = try walks(2, bound: 2)
        _ = try vector.reset(seed: 5)
        let start = inner.map(\.position)
        // Push copy 0 right until it terminates; keep copy 1 still.
        var steps = 0
        var result: VectorStep
        repeat {
            result = try vector.step([.discrete(1), .discrete(2)])
            steps += 1
        } while !result.terminated[0] && steps < 10
        XCTAssertEqual(steps, 2 - start[0])
        XCTAssertEqual(result.terminated, [true, false])
        XCTAssertEqual(result.truncated, [false, false])
        XCTAssertEqual(result.rewards[0], 2)
        // The episode ended at position 2; the vector reports that and the reset's start.
        XCTAssertEqual(result.finalObservations[0], .float32([2, 4], shape: [2]))
        XCTAssertNil(result.finalObservations[1])
        XCTAssertEqual(result.finalInfos[0]?["position"], .int(2))
        XCTAssertEqual(result.observations[0], inner[0].observation)
        XCTAssertEqual(result.infos[0]["reset"], .bool(true))
        XCTAssertLessThan(abs(inner[0].position), 2)
        XCTAssertEqual(inner[0].seeds, [5, nil], "auto-reset continues the copy's generator")
        XCTAssertEqual(result.observations[1], .float32([Float(start[1]), Float(start[1] * start[1])], shape: [2]))
        XCTAssertEqual(result.done, [true, false])
        XCTAssertEqual(result.flatObservations.count, 4)
        XCTAssertEqual(Array(result.flatObservations[0..<2]), result.observations[0].floats)
        // The next step goes on from the new episode.
        let next = try vector.step([.discrete(2), .discrete(2)])
        XCTAssertEqual(next.finalObservations[0], nil)
        XCTAssertEqual(next.observations[0], result.observations[0])
    }

    func testTruncationIsReportedWithFinalObservation() throws {
        let (vector, _) = try walks(3, bound: 50, limit: 4)
        _ = try vector.reset(seed: 0)
        var last: VectorStep?
        for _ in 0..<4 { last = try vector.step(Array(repeating: .discrete(1), count: 3)) }
        XCTAssertEqual(last!.truncated, [true, true, true])
        XCTAssertEqual(last!.terminated, [false, false, false])
        for i in 0..<3 {
            // Four steps right from the start: the final observation is 4 beyond the start.
            let final = last!.finalObservations[i]!.floats[0]
            XCTAssertNotEqual(final, last!.observations[i].floats[0])
        }
    }

    func testCopiesGetDistinctDerivedSeedsAndDiffer() throws {
        let (vector, inner) = try walks(6, bound: 40)
        _ = try vector.reset(seed: 100)
        XCTAssertEqual(inner.map { $0.seeds.last! }, [100, 101, 102, 103, 104, 105])
        _ = try vector.reset(seed: UInt64.max)
        XCTAssertEqual(inner.map { $0.seeds.last! }, [UInt64.max, 0, 1, 2, 3, 4], "derivation wraps")
        _ = try vector.reset(seed: nil)
        XCTAssertEqual(inner.map { $0.seeds.last! }, Array(repeating: nil, count: 6), "an unseeded reset continues")

        // The first reset without a seed acts as seed 0, so copies still differ.
        let (fresh, freshInner) = try walks(4, bound: 40)
        _ = try fresh.reset(seed: nil)
        XCTAssertEqual(freshInner.map { $0.seeds.last! }, [0, 1, 2, 3])

        let registry = Registry(specs: CartPole.specs)
        let cartPoles = try SyncVectorEnvironment(id: "CartPole-v1", count: 8, registry: registry)
        let observations = try cartPoles.reset(seed: 7).observations
        XCTAssertEqual(Set(observations).count, 8, "every copy starts somewhere else")
        // Copy 0 of a vector seeded with s is a single environment seeded with s.
        let single = try registry.make("CartPole-v1")
        XCTAssertEqual(try single.reset(seed: 7).observation, observations[0])
    }

    func testSameSeedSameBatchTrajectory() throws {
        let registry = Registry(specs: CartPole.specs)
        func run(seed: UInt64) throws -> [[Observation]] {
            let vector = try SyncVectorEnvironment(id: "CartPole-v1", count: 5, registry: registry)
            var trajectory = [try vector.reset(seed: seed).observations]
            var generator = RandomGenerator(seed: 3)
            for _ in 0..<300 {
                let step = try vector.step((0..<5).map { _ in .discrete(generator.int(below: 2)) })
                trajectory.append(step.observations)
                trajectory.append(step.finalObservations.map { $0 ?? .discrete(-1) })
            }
            return trajectory
        }
        XCTAssertEqual(try run(seed: 11), try run(seed: 11))
        XCTAssertNotEqual(try run(seed: 11), try run(seed: 12))
    }

    func testParallelSteppingMatchesSequential() throws {
        let registry = Registry(specs: CartPole.specs)
        func run(_ parallelism: VectorParallelism) throws -> ([VectorStep], SyncVectorEnvironment) {
            let vector = try SyncVectorEnvironment(id: "CartPole-v1", count: 13, registry: registry, parallelism: parallelism)
            _ = try vector.reset(seed: 21)
            var generator = RandomGenerator(seed: 4)
            var steps: [VectorStep] = []
            for _ in 0..<400 { steps.append(try vector.step((0..<13).map { _ in .discrete(generator.int(below: 2)) })) }
            return (steps, vector)
        }
        let (sequential, _) = try run(.sequential)
        for parallelism in [VectorParallelism.parallel(), .parallel(chunks: 2), .parallel(chunks: 5), .parallel(chunks: 64), .automatic] {
            let (parallel, vector) = try run(parallelism)
            XCTAssertEqual(parallel.count, sequential.count)
            for (a, b) in zip(parallel, sequential) {
                XCTAssertEqual(a.observations, b.observations, "\(parallelism)")
                XCTAssertEqual(a.rewards, b.rewards)
                XCTAssertEqual(a.terminated, b.terminated)
                XCTAssertEqual(a.truncated, b.truncated)
                XCTAssertEqual(a.finalObservations, b.finalObservations)
            }
            if case .parallel = parallelism { XCTAssertTrue(vector.isSteppingInParallel) }
        }
        // An expensive environment under .automatic goes parallel (on a machine with 2+ cores)
        // and still matches.
        let (slow, slowInner) = try walks(4, bound: 4, parallelism: .automatic, spin: 40_000)
        let (reference, _) = try walks(4, bound: 4, spin: 40_000)
        _ = try slow.reset(seed: 1)
        _ = try reference.reset(seed: 1)
        var generator = RandomGenerator(seed: 9)
        for _ in 0..<30 {
            let actions = (0..<4).map { _ in Action.discrete(generator.int(below: 3)) }
            let a = try slow.step(actions), b = try reference.step(actions)
            XCTAssertEqual(a.observations, b.observations)
            XCTAssertEqual(a.finalObservations, b.finalObservations)
        }
        XCTAssertEqual(slowInner.count, 4)
    }

    func testBadActionsThrowAndMoveNoCopy() throws {
        let (vector, inner) = try walks(3, bound: 40)
        XCTAssertThrowsError(try vector.step([.discrete(0), .discrete(0), .discrete(0)])) { error in
            XCTAssertEqual(error as? EnvironmentError, .stepBeforeReset(id: "Walk"))
        }
        _ = try vector.reset(seed: 0)
        let before = inner.map(\.position)
        XCTAssertThrowsError(try vector.step([.discrete(1), .discrete(1)])) { error in
            XCTAssertTrue("\(error)".contains("got 2 actions for 3 copies"), "\(error)")
        }
        XCTAssertThrowsError(try vector.step([.discrete(1), .discrete(1), .discrete(7)])) { error in
            XCTAssertTrue("\(error)".contains("copy 2"), "\(error)")
        }
        XCTAssertThrowsError(try vector.step([.discrete(1), .continuous([0.5]), .discrete(1)]))
        XCTAssertEqual(inner.map(\.position), before, "a rejected batch moves no copy")
        XCTAssertThrowsError(try SyncVectorEnvironment(count: 0) { _ in WalkEnvironment() })
        let shared = WalkEnvironment()
        XCTAssertThrowsError(try SyncVectorEnvironment(count: 2) { _ in shared }) { error in
            XCTAssertTrue("\(error)".contains("same instance"), "\(error)")
        }
        XCTAssertThrowsError(try SyncVectorEnvironment(count: 2, parallelism: .parallel(chunks: 0)) { _ in WalkEnvironment() })
    }
}

final class VectorCartPoleTests: XCTestCase {
    let registry = Registry(specs: CartPole.specs)

    /// States from the reset distribution up to the edges of the termination region, and a
    /// few far outside it (large angles take the libm path of the batch step).
    func startStates(_ n: Int, seed: UInt64) -> [[Double]] {
        var generator = RandomGenerator(seed: seed)
        var states = (0..<n).map { _ in
            [generator.uniformDouble() * 4.8 - 2.4, generator.uniformDouble() * 4 - 2,
             generator.uniformDouble() * 0.42 - 0.21, generator.uniformDouble() * 6 - 3]
        }
        states += [[0, 0, 0.5, 0], [0, 0, -0.51, 1], [1, -1, 2.0, -3], [0, 0, -3.0, 0], [2.39, 1, 0.2, 2]]
        return states
    }

    func testBatchStepMatchesScalarCartPoleFromTheSameStates() throws {
        let states = startStates(60, seed: 1)
        for action in [0, 1] {
            let vector = try VectorCartPole(count: states.count)
            vector.resetAll(seed: 0)
            var scalars: [CartPole] = []
            for (i, state) in states.enumerated() {
                try vector.setState(state, ofCopy: i)
                let scalar = try CartPole()
                _ = try scalar.reset(seed: 0)
                try scalar.setState(state)
                scalars.append(scalar)
            }
            try vector.step(actions: Array(repeating: Int32(action), count: states.count))
            for (i, scalar) in scalars.enumerated() {
                let step = try scalar.step(.discrete(action))
                let vectorObservation = step.terminated
                    ? Array(vector.finalObservations[4 * i ..< 4 * i + 4]) : Array(vector.observations[4 * i ..< 4 * i + 4])
                for (a, b) in zip(vectorObservation, step.observation.floats) {
                    XCTAssertEqual(a, b, accuracy: 1e-6, "state \(states[i]) action \(action)")
                }
                XCTAssertEqual(vector.terminated[i], step.terminated, "state \(states[i])")
                XCTAssertEqual(vector.rewards[i], step.reward)
                if !step.terminated {
                    for (a, b) in zip(vector.state(ofCopy: i), scalar.state) {
                        XCTAssertEqual(a, b, accuracy: 1e-12 * max(1, abs(b)), "state \(states[i])")
                    }
                }
            }
        }
    }

    func testBatchMatchesSyncVectorOfScalarCartPolesOverManyEpisodes() throws {
        // Same seed derivation, same reset draws, same auto-reset: the SIMD batch and N
        // scalar CartPole-v1 copies (with their 500-step TimeLimit) follow the same episodes.
        let n = 16
        let batch = try VectorCartPole(count: n, maxEpisodeSteps: 500)
        let reference = try SyncVectorEnvironment(id: "CartPole-v1", count: n, registry: registry)
        let first = try reference.reset(seed: 42).observations
        batch.resetAll(seed: 42)
        XCTAssertEqual(first.flatMap(\.floats), batch.observations)
        var generator = RandomGenerator(seed: 8)
        var episodes = 0, truncations = 0
        for t in 0..<2_000 {
            // A policy that balances for a while, so some episodes reach the time limit.
            let actions: [Int32] = (0..<n).map { i in
                generator.bernoulli(0.15) ? Int32(generator.int(below: 2)) : (batch.observations[4 * i + 2] + 0.5 * batch.observations[4 * i + 3] > 0 ? 1 : 0)
            }
            let expected = try reference.step(actions.map { .discrete(Int($0)) })
            try batch.step(actions: actions)
            XCTAssertEqual(batch.terminated, expected.terminated, "t=\(t)")
            XCTAssertEqual(batch.truncated, expected.truncated, "t=\(t)")
            XCTAssertEqual(batch.rewards, expected.rewards)
            for i in 0..<n {
                for (a, b) in zip(batch.observations[4 * i ..< 4 * i + 4], expected.observations[i].floats) {
                    XCTAssertEqual(a, b, accuracy: 1e-5, "t=\(t) copy \(i)")
                }
                if let final = expected.finalObservations[i] {
                    episodes += 1
                    for (a, b) in zip(batch.finalObservations[4 * i ..< 4 * i + 4], final.floats) {
                        XCTAssertEqual(a, b, accuracy: 1e-5)
                    }
                }
            }
            truncations += expected.truncated.filter { $0 }.count
            if batch.terminated != expected.terminated { break }
        }
        XCTAssertGreaterThan(episodes, 20)
        XCTAssertGreaterThan(truncations, 0, "the policy should reach the time limit sometimes")
        // The generic interface reports the same thing.
        let step = try batch.step(Array(repeating: .discrete(0), count: n))
        XCTAssertEqual(step.observations.flatMap(\.floats), batch.observations)
    }

    func testTruncationLimitAndSuttonBartoReward() throws {
        let vector = try VectorCartPole(count: 3, maxEpisodeSteps: 4, suttonBartoReward: true)
        vector.resetAll(seed: 3)
        for _ in 0..<3 {
            try vector.step(actions: [0, 1, 0])
            XCTAssertEqual(vector.truncated, [false, false, false])
            XCTAssertEqual(vector.rewards, [0, 0, 0])
        }
        let before = vector.observations
        try vector.step(actions: [1, 0, 1])
        XCTAssertEqual(vector.truncated, [true, true, true])
        XCTAssertEqual(vector.terminated, [false, false, false])
        XCTAssertEqual(vector.elapsedSteps, [0, 0, 0])
        XCTAssertNotEqual(Array(vector.finalObservations), Array(vector.observations))
        XCTAssertNotEqual(Array(vector.finalObservations), before)
        // A falling pole terminates with reward -1 and restarts near upright.
        try vector.setState([0, 0, 0.2, 2], ofCopy: 1)
        try vector.step(actions: [0, 0, 0])
        XCTAssertEqual(vector.terminated, [false, true, false])
        XCTAssertEqual(vector.rewards, [0, -1, 0])
        XCTAssertGreaterThan(vector.finalObservations[6], 0.2)
        XCTAssertLessThanOrEqual(abs(vector.observations[6]), 0.05)
    }

    func testSeedsAndDeterminism() throws {
        let a = try VectorCartPole(count: 8), b = try VectorCartPole(count: 8)
        a.resetAll(seed: 9)
        b.resetAll(seed: 9)
        XCTAssertEqual(a.observations, b.observations)
        XCTAssertEqual(Set((0..<8).map { a.state(ofCopy: $0) }).count, 8)
        var generator = RandomGenerator(seed: 1)
        for _ in 0..<200 {
            let actions = (0..<8).map { _ in Int32(generator.int(below: 2)) }
            try a.step(actions: actions)
            try b.step(actions: actions)
            XCTAssertEqual(a.observations, b.observations)
            XCTAssertEqual(a.terminated, b.terminated)
        }
        // Copy i is seeded with seed + i, as a single CartPole seeded so.
        let c = try VectorCartPole(count: 3)
        c.resetAll(seed: 40)
        for i in 0..<3 {
            let scalar = try CartPole()
            _ = try scalar.reset(seed: 40 + UInt64(i))
            XCTAssertEqual(c.state(ofCopy: i), scalar.state)
        }
    }

    func testBadInputThrows() throws {
        let vector = try VectorCartPole(count: 4)
        XCTAssertThrowsError(try vector.step(actions: [0, 1, 0, 1])) { error in
            XCTAssertEqual(error as? EnvironmentError, .stepBeforeReset(id: "CartPole-v1"))
        }
        vector.resetAll(seed: 0)
        let before = vector.observations
        XCTAssertThrowsError(try vector.step(actions: [0, 1, 0])) { error in
            XCTAssertTrue("\(error)".contains("got 3 actions for 4 copies"), "\(error)")
        }
        XCTAssertThrowsError(try vector.step(actions: [0, 1, 2, 1])) { error in
            XCTAssertTrue("\(error)".contains("copy 2"), "\(error)")
        }
        XCTAssertThrowsError(try vector.step(actions: [0, -1, 0, 1]))
        XCTAssertThrowsError(try vector.step([.discrete(0), .discrete(1), .discrete(0)]))
        XCTAssertThrowsError(try vector.step([.discrete(0), .discrete(1), .discrete(0), .discrete(5)]))
        XCTAssertEqual(vector.observations, before)
        XCTAssertThrowsError(try vector.setState([0, 0, 0], ofCopy: 0))
        XCTAssertThrowsError(try vector.setState([0, 0, .nan, 0], ofCopy: 0))
        XCTAssertThrowsError(try vector.setState([0, 0, 0, 0], ofCopy: 4))
        XCTAssertThrowsError(try VectorCartPole(count: 0))
        XCTAssertThrowsError(try VectorCartPole(count: 2, maxEpisodeSteps: 0))
    }
}
