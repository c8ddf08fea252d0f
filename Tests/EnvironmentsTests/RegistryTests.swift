import XCTest
import Environments
import Randomness

final class SpaceTests: XCTestCase {
    func testDiscreteSampleAndContains() {
        var g = RandomGenerator(seed: 1)
        let space = Space.discrete(3, start: 1)
        var seen = Set<Int>()
        for _ in 0..<200 {
            let v = space.sample(using: &g)
            XCTAssertTrue(space.contains(v))
            seen.insert(v.discreteValue!)
        }
        XCTAssertEqual(seen, [1, 2, 3])
        XCTAssertFalse(space.contains(.discrete(0)))
        XCTAssertFalse(space.contains(.discrete(4)))
        XCTAssertFalse(space.contains(.continuous([1])))
        XCTAssertNotNil(space.violation(of: .discrete(7)))
    }

    func testBoxSampleAndContains() {
        var g = RandomGenerator(seed: 2)
        let box = Space.box(low: [-1, 0], high: [1, .infinity], shape: [2], scalarType: .float32)
        for _ in 0..<200 { XCTAssertTrue(box.contains(box.sample(using: &g))) }
        XCTAssertFalse(box.contains(.continuous([2, 0])))
        XCTAssertFalse(box.contains(.continuous([0])))
        XCTAssertFalse(box.contains(.continuous([.nan, 0])))
        XCTAssertTrue(box.violation(of: .continuous([.nan, 0]))!.contains("NaN"))
        let bytes = Space.box(low: 0, high: 255, shape: [2, 2], scalarType: .uint8)
        XCTAssertTrue(bytes.contains(bytes.sample(using: &g)))
        XCTAssertFalse(bytes.contains(.uint8([1, 2, 3], shape: [3])))
    }

    func testMultiDiscrete() {
        var g = RandomGenerator(seed: 3)
        let space = Space.multiDiscrete([2, 5])
        for _ in 0..<100 { XCTAssertTrue(space.contains(space.sample(using: &g))) }
        XCTAssertFalse(space.contains(.multiDiscrete([2, 0])))
        XCTAssertFalse(space.contains(.multiDiscrete([0])))
    }
}

/// A minimal environment for testing the machinery: counts up, terminates at `goal`.
final class CounterEnvironment: Environment {
    let goal: Int
    var count = 0
    var needsReset = true
    init(goal: Int) { self.goal = goal }
    var observationSpace: Space { .discrete(goal + 1) }
    var actionSpace: Space { .discrete(2) }
    var id: String { "Counter" }
    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        count = 0
        needsReset = false
        return (.discrete(0), [:])
    }
    func step(_ action: Action) throws -> Step {
        if needsReset { throw EnvironmentError.stepAfterDone(id: id) }
        if let reason = actionSpace.violation(of: action) { throw EnvironmentError.invalidAction(id: id, reason: reason) }
        count += action.discreteValue!
        needsReset = count >= goal
        return Step(observation: .discrete(count), reward: 1, terminated: count >= goal, truncated: false)
    }
}

final class RegistryTests: XCTestCase {
    func makeRegistry() -> Registry {
        Registry(specs: [
            EnvironmentSpec(id: "Counter-v0", rewardThreshold: 3, maxEpisodeSteps: 4,
                            options: [EnvironmentOptionSpec("goal", default: "10", help: "count to reach")],
                            summary: "counts") { options in CounterEnvironment(goal: try options.int("goal", default: 10)) },
        ])
    }

    func testMakeAppliesTimeLimitAndOptions() throws {
        let env = try makeRegistry().make("Counter-v0", options: ["goal": "2"])
        XCTAssertTrue(env is TimeLimit)
        _ = try env.reset(seed: 0)
        XCTAssertFalse(try env.step(.discrete(1)).isDone)
        let last = try env.step(.discrete(1))
        XCTAssertTrue(last.terminated)
        XCTAssertFalse(last.truncated)
        // Without reaching the goal, the limit truncates at step 4.
        let slow = try makeRegistry().make("Counter-v0", options: ["goal": "100"])
        _ = try slow.reset(seed: 0)
        for _ in 0..<3 { XCTAssertFalse(try slow.step(.discrete(0)).isDone) }
        let cut = try slow.step(.discrete(0))
        XCTAssertTrue(cut.truncated)
        XCTAssertFalse(cut.terminated)
        XCTAssertTrue(slow.unwrapped is CounterEnvironment)
    }

    func testUnknownIDSuggestsNearest() {
        XCTAssertThrowsError(try makeRegistry().make("Countr-v0")) { error in
            XCTAssertEqual(error as? EnvironmentError, .unknownID("Countr-v0", suggestions: ["Counter-v0"]))
            XCTAssertTrue("\(error)".contains("did you mean 'Counter-v0'"))
        }
    }

    func testBadOptionsThrow() {
        let registry = makeRegistry()
        XCTAssertThrowsError(try registry.make("Counter-v0", options: ["gaol": "2"])) { error in
            XCTAssertTrue("\(error)".contains("gaol"))
        }
        XCTAssertThrowsError(try registry.make("Counter-v0", options: ["goal": "two"])) { error in
            XCTAssertTrue("\(error)".contains("not an integer"))
        }
        XCTAssertThrowsError(try registry.make("Counter-v0", options: ["render_mode": "human"]))
        XCTAssertThrowsError(try registry.make("Counter-v0", options: ["max_episode_steps": "0"]))
    }

    func testTimeStepView() throws {
        let view = TimeStepEnvironment(TimeLimit(CounterEnvironment(goal: 2), maxEpisodeSteps: 10), seed: 0)
        XCTAssertEqual(view.actionSpec.kind, .int64)
        XCTAssertEqual(view.actionSpec.maximum, [1])
        let first = try view.reset()
        XCTAssertEqual(first.stepType, .first)
        let mid = try view.step(.discrete(1))
        XCTAssertEqual(mid.stepType, .mid)
        XCTAssertEqual(mid.discount, 1)
        let last = try view.step(.discrete(1))
        XCTAssertEqual(last.stepType, .last)
        XCTAssertEqual(last.discount, 0)
        XCTAssertEqual(try view.step(.discrete(1)).stepType, .first)
        // Truncation keeps discount 1.
        let truncating = TimeStepEnvironment(TimeLimit(CounterEnvironment(goal: 100), maxEpisodeSteps: 1))
        _ = try truncating.reset()
        let cut = try truncating.step(.discrete(1))
        XCTAssertEqual(cut.stepType, .last)
        XCTAssertEqual(cut.discount, 1)
    }
}
