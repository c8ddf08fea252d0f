import XCTest
import Environments
import Randomness

/// A well-behaved small environment: a seeded random walk on a line of float positions,
/// terminating at |x| >= 3, stateful and rendering. Each flag breaks one rule for one test.
final class CheckedWalk: StatefulEnvironment {
    struct Faults {
        var observationSpace: Space? = nil
        var actionSpace: Space? = nil
        var resetOutsideSpace = false
        var resetIgnoresSeed = false
        var stepWrongShape = false
        var nanRewardAt: Int? = nil
        var stepUsesSystemRandom = false
        var acceptsStepAfterTermination = false
        var acceptsInvalidActions = false
        var setStateIgnored = false
        var setStateAcceptsAnyLength = false
        var renderGrows = false
        var neverTerminates = false
    }

    var faults: Faults
    var random = RandomGenerator(seed: 0)
    var x = 0.0
    var steps = 0
    var done = true
    var resets = 0
    var id: String { "CheckedWalk" }
    var renderMode: RenderMode? { .rgbArray }
    var observationSpace: Space { faults.observationSpace ?? .box(low: -10, high: 10, shape: [1]) }
    var actionSpace: Space { faults.actionSpace ?? .discrete(2) }

    init(_ faults: Faults = Faults()) { self.faults = faults }

    var observation: Observation { .float32([Float(x)], shape: [1]) }

    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        resets += 1
        if let seed { random = RandomGenerator(seed: faults.resetIgnoresSeed ? UInt64(resets) : seed) }
        x = Double(random.uniform(in: -0.5..<0.5))
        steps = 0
        done = false
        if faults.resetOutsideSpace { return (.float32([20], shape: [1]), [:]) }
        return (observation, [:])
    }

    func step(_ action: Action) throws -> Step {
        if done && !faults.acceptsStepAfterTermination { throw EnvironmentError.stepAfterDone(id: id) }
        if !faults.acceptsInvalidActions, let reason = actionSpace.violation(of: action) {
            throw EnvironmentError.invalidAction(id: id, reason: reason)
        }
        let direction = (action.discreteValue ?? 0) == 1 ? 1.0 : -1.0
        let noise = faults.stepUsesSystemRandom ? Double.random(in: 0..<0.1) : Double(random.uniform(in: 0..<0.1))
        x = max(-10, min(10, x + direction * 0.5 + noise))
        steps += 1
        done = abs(x) >= 3 && !faults.neverTerminates
        var reward = 1.0
        if let at = faults.nanRewardAt, steps == at { reward = .nan }
        let observation = faults.stepWrongShape ? .float32([Float(x), 0], shape: [2]) : self.observation
        return Step(observation: observation, reward: reward, terminated: done, truncated: false)
    }

    var state: [Double] { [x] }

    func setState(_ state: [Double]) throws {
        if state.count != 1 && !faults.setStateAcceptsAnyLength {
            throw EnvironmentError.invalidState(id: id, reason: "expected 1 value, got \(state.count)")
        }
        if !faults.setStateIgnored { x = state[0] }
    }

    func render() throws -> Frame {
        let width = faults.renderGrows ? 4 + steps : 4
        return .rgb(pixels: Array(repeating: 0, count: 2 * width * 3), height: 2, width: width)
    }
}

final class EnvironmentCheckerTests: XCTestCase {
    /// Asserts that the checker fails `check` and that the message names the fix.
    func assertFails(_ faults: CheckedWalk.Faults, _ check: EnvironmentCheckError.Check, mentioning words: [String],
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try checkEnvironment(CheckedWalk(faults), seed: 3), file: file, line: line) { error in
            guard let failure = error as? EnvironmentCheckError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(failure.check, check, "\(failure)", file: file, line: line)
            XCTAssertFalse(failure.fix.isEmpty, file: file, line: line)
            for word in words {
                XCTAssertTrue(failure.description.contains(word), "'\(word)' not in: \(failure)", file: file, line: line)
            }
        }
    }

    func testCorrectEnvironmentPasses() throws {
        XCTAssertEqual(try checkEnvironment(CheckedWalk(), seed: 3), [])
        XCTAssertEqual(try checkEnvironment(CheckedWalk(), seed: 3, checkInvalidActions: false), [])
    }

    func testBrokenSpaces() {
        assertFails(.init(observationSpace: .box(low: [1], high: [-1], shape: [1], scalarType: .float32)), .spaces, mentioning: ["low", "high"])
        assertFails(.init(observationSpace: .box(low: [0, 0], high: [1, 1], shape: [1], scalarType: .float32)), .spaces, mentioning: ["one bound per element"])
        assertFails(.init(observationSpace: .box(low: 0, high: 300, shape: [1], scalarType: .uint8)), .spaces, mentioning: ["0...255"])
        assertFails(.init(observationSpace: .box(low: [.nan], high: [1], shape: [1], scalarType: .float32)), .spaces, mentioning: ["NaN"])
        assertFails(.init(actionSpace: .discrete(0)), .spaces, mentioning: ["empty"])
        assertFails(.init(actionSpace: .multiDiscrete([2, 0])), .spaces, mentioning: ["MultiDiscrete"])
    }

    func testResetOutsideTheSpace() {
        assertFails(.init(resetOutsideSpace: true), .reset, mentioning: ["reset(seed: 3)", "observation space"])
    }

    func testResetThatIgnoresTheSeed() {
        assertFails(.init(resetIgnoresSeed: true), .resetDeterminism, mentioning: ["RandomGenerator(seed: seed)"])
    }

    func testStepObservationOfTheWrongShape() {
        assertFails(.init(stepWrongShape: true), .step, mentioning: ["shape [2]", "expected shape [1]"])
    }

    func testNaNReward() {
        assertFails(.init(nanRewardAt: 2), .reward, mentioning: ["nan", "finite"])
    }

    func testNondeterministicStep() {
        assertFails(.init(stepUsesSystemRandom: true), .stepDeterminism, mentioning: ["same seed", "RandomGenerator"])
    }

    func testStepAfterTerminationAccepted() {
        assertFails(.init(acceptsStepAfterTermination: true), .stepAfterTermination, mentioning: ["stepAfterDone"])
    }

    func testInvalidActionAccepted() {
        assertFails(.init(acceptsInvalidActions: true), .invalidAction, mentioning: ["violation(of: action)"])
        // Skipping the probes lets the same environment through.
        XCTAssertNoThrow(try checkEnvironment(CheckedWalk(.init(acceptsInvalidActions: true)), checkInvalidActions: false))
    }

    func testBrokenState() {
        assertFails(.init(setStateIgnored: true), .state, mentioning: ["setState"])
        assertFails(.init(setStateAcceptsAnyLength: true), .state, mentioning: ["invalidState"])
    }

    func testRenderOfChangingSize() {
        assertFails(.init(renderGrows: true), .render, mentioning: ["2x4", "one frame size"])
    }

    func testWarnings() throws {
        let unbounded = try checkEnvironment(CheckedWalk(.init(observationSpace: .box(low: -.infinity, high: .infinity, shape: [1]))))
        XCTAssertEqual(unbounded.count, 1)
        XCTAssertTrue(unbounded[0].contains("unbounded"), "\(unbounded)")
        let endless = try checkEnvironment(CheckedWalk(.init(neverTerminates: true)), steps: 10)
        XCTAssertTrue(endless.contains { $0.contains("no episode terminated") }, "\(endless)")
    }

    func testActionBoxWarning() throws {
        final class Pusher: Environment {
            var observationSpace: Space { .box(low: -1, high: 1, shape: [1]) }
            var actionSpace: Space { .box(low: 0, high: 5, shape: [1]) }
            var id: String { "Pusher" }
            var done = true
            func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
                done = false
                return (.continuous([0]), [:])
            }
            func step(_ action: Action) throws -> Step {
                if done { throw EnvironmentError.stepAfterDone(id: id) }
                if let reason = actionSpace.violation(of: action) { throw EnvironmentError.invalidAction(id: id, reason: reason) }
                done = true
                return Step(observation: .continuous([0]), reward: 0, terminated: true, truncated: false)
            }
        }
        let warnings = try checkEnvironment(Pusher())
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("[-1, 1]"), "\(warnings)")
    }

    /// Every registered environment must pass; this grows with the registry.
    func testRegisteredEnvironmentsPass() throws {
        for spec in Registry.shared.specs {
            let env = try Registry.shared.make(spec.id)
            XCTAssertNoThrow(try checkEnvironment(env, seed: 7, steps: 300), spec.id)
        }
    }
}
