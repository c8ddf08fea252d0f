import Foundation
import XCTest
import Environments
import Randomness

/// One file written by `Generators/record_classic_control.py`: Gymnasium episodes of one id.
private struct RecordedEpisodes: Decodable {
    struct Episode: Decodable {
        /// Our `make` options, matching the Gymnasium kwargs the episode was recorded with.
        let options: [String: String]
        let initialState: [Double]
        /// Every action taken; discrete actions are whole numbers.
        let actions: [Double]
        /// The steps (0-based) that have a record below: the first and last few.
        let steps: [Int]
        let observations: [[Double]]
        let rewards: [Double]
        let terminated: [Bool]
        let truncated: [Bool]
        let length: Int

        enum CodingKeys: String, CodingKey {
            case options, initialState = "initial_state", actions, steps, observations, rewards, terminated, truncated, length
        }
    }

    let id: String
    let episodes: [Episode]
}

final class ClassicControlTests: XCTestCase {
    private static let allSpecs = CartPole.specs + MountainCar.specs + MountainCarContinuous.specs
        + Acrobot.specs + Pendulum.specs
    private let registry = Registry(specs: ClassicControlTests.allSpecs)
    private static let ids = ["CartPole-v0", "CartPole-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Acrobot-v1", "Pendulum-v1"]

    // MARK: Recorded Gymnasium trajectories

    private func recorded(_ id: String) throws -> RecordedEpisodes {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/classic_control_\(id).json")
        let file = try JSONDecoder().decode(RecordedEpisodes.self, from: Data(contentsOf: url))
        XCTAssertEqual(file.id, id)
        return file
    }

    /// Replays every recorded episode from its initial state and compares each recorded step.
    private func replay(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let episodes = try recorded(id).episodes
        XCTAssertGreaterThanOrEqual(episodes.count, 15, file: file, line: line)
        var largestError = 0.0
        var comparedSteps = 0
        var inexactValues = 0
        var inexactRewards = 0
        for (number, episode) in episodes.enumerated() {
            let env = try registry.make(id, options: episode.options)
            _ = try env.reset(seed: UInt64(number))
            let physics = try XCTUnwrap(env.unwrapped as? any StatefulEnvironment)
            try physics.setState(episode.initialState)
            XCTAssertEqual(physics.state, episode.initialState)
            XCTAssertEqual(episode.actions.count, episode.length)
            var next = 0
            for (t, value) in episode.actions.enumerated() {
                let action: Action = env.actionSpace.discreteCount != nil ? .discrete(Int(value)) : .continuous([Float(value)])
                let step = try env.step(action)
                guard next < episode.steps.count, episode.steps[next] == t else {
                    XCTAssertFalse(step.isDone, "\(id) episode \(number) step \(t): ended before Gymnasium did", file: file, line: line)
                    continue
                }
                let expected = episode.observations[next]
                let observed = step.observation.floats
                XCTAssertEqual(observed.count, expected.count, file: file, line: line)
                for (ours, theirs) in zip(observed, expected) {
                    let error = abs(Double(ours) - theirs)
                    // The fixture holds the shortest decimal of Gymnasium's float32 value.
                    if ours != Float(theirs) { inexactValues += 1 }
                    largestError = max(largestError, abs(Double(ours) - Double(Float(theirs))))
                    if !(error <= 1e-5) {
                        XCTFail("\(id) episode \(number) step \(t): observation \(observed) vs Gymnasium \(expected)", file: file, line: line)
                        return
                    }
                }
                // Bit-identical on Linux (same libm as NumPy); another libm may round sin or pow
                // differently in the last bit.
                XCTAssertEqual(step.reward, episode.rewards[next], accuracy: 1e-9 * max(1, abs(episode.rewards[next])),
                               "\(id) episode \(number) step \(t): reward", file: file, line: line)
                if step.reward != episode.rewards[next] { inexactRewards += 1 }
                XCTAssertEqual(step.terminated, episode.terminated[next], "\(id) episode \(number) step \(t): terminated", file: file, line: line)
                XCTAssertEqual(step.truncated, episode.truncated[next], "\(id) episode \(number) step \(t): truncated", file: file, line: line)
                next += 1
                comparedSteps += 1
            }
            XCTAssertEqual(next, episode.steps.count, "\(id) episode \(number): not every record was compared", file: file, line: line)
        }
        print("\(id): \(episodes.count) episodes, \(comparedSteps) steps compared, \(inexactValues) observation values "
              + "not bit-identical to Gymnasium's float32, largest difference \(largestError), \(inexactRewards) rewards not bit-identical")
    }

    func testCartPoleV0MatchesGymnasium() throws { try replay("CartPole-v0") }
    func testCartPoleV1MatchesGymnasium() throws { try replay("CartPole-v1") }
    func testMountainCarMatchesGymnasium() throws { try replay("MountainCar-v0") }
    func testMountainCarContinuousMatchesGymnasium() throws { try replay("MountainCarContinuous-v0") }
    func testAcrobotMatchesGymnasium() throws { try replay("Acrobot-v1") }
    func testPendulumMatchesGymnasium() throws { try replay("Pendulum-v1") }

    /// The fixtures cover both ends of every episode kind: terminations and time limits.
    func testFixturesCoverTerminationAndTruncation() throws {
        for id in ClassicControlTests.ids {
            let episodes = try recorded(id).episodes
            let truncated = episodes.filter { $0.truncated.last == true }.count
            let terminated = episodes.filter { $0.terminated.last == true }.count
            XCTAssertGreaterThan(truncated, 0, "\(id): no episode reaches the time limit")
            if id != "Pendulum-v1" { XCTAssertGreaterThan(terminated, 2, "\(id): too few terminations") }
        }
    }

    // MARK: Registry entries

    func testSpecsMatchGymnasiumRegistry() throws {
        let expected: [String: (Double?, Int)] = [
            "CartPole-v0": (195, 200), "CartPole-v1": (475, 500), "MountainCar-v0": (-110, 200),
            "MountainCarContinuous-v0": (90, 999), "Acrobot-v1": (-100, 500), "Pendulum-v1": (nil, 200),
        ]
        XCTAssertEqual(Set(registry.specs.map(\.id)), Set(expected.keys))
        for spec in registry.specs {
            XCTAssertEqual(spec.rewardThreshold, expected[spec.id]!.0, spec.id)
            XCTAssertEqual(spec.maxEpisodeSteps, expected[spec.id]!.1, spec.id)
            let env = try registry.make(spec.id)
            XCTAssertEqual(env.id, spec.id)
            XCTAssertTrue(env is TimeLimit)
        }
    }

    func testSpacesMatchGymnasium() throws {
        let cartPole = try CartPole()
        let theta = Float(12 * 2 * Double.pi / 360 * 2)
        XCTAssertEqual(cartPole.observationSpace, .box(low: [-4.8, -.infinity, -theta, -.infinity],
                                                       high: [4.8, .infinity, theta, .infinity], shape: [4], scalarType: .float32))
        XCTAssertEqual(cartPole.actionSpace, .discrete(2))
        XCTAssertEqual(try MountainCar().observationSpace, .box(low: [-1.2, -0.07], high: [0.6, 0.07], shape: [2], scalarType: .float32))
        XCTAssertEqual(try MountainCar().actionSpace, .discrete(3))
        XCTAssertEqual(try MountainCarContinuous().actionSpace, .box(low: -1, high: 1, shape: [1]))
        XCTAssertEqual(try Acrobot().observationSpace, .box(low: [-1, -1, -1, -1, Float(-4 * Double.pi), Float(-9 * Double.pi)],
                                                            high: [1, 1, 1, 1, Float(4 * Double.pi), Float(9 * Double.pi)],
                                                            shape: [6], scalarType: .float32))
        XCTAssertEqual(try Pendulum().observationSpace, .box(low: [-1, -1, -8], high: [1, 1, 8], shape: [3], scalarType: .float32))
        XCTAssertEqual(try Pendulum().actionSpace, .box(low: -2, high: 2, shape: [1]))
    }

    // MARK: Determinism

    private func trajectory(_ id: String, seed: UInt64, steps: Int = 300) throws -> [Float] {
        let env = try registry.make(id)
        var actions = RandomGenerator(seed: 99)
        var values = try env.reset(seed: seed).observation.floats
        for _ in 0..<steps {
            let step = try env.step(env.actionSpace.sample(using: &actions))
            values += step.observation.floats + [Float(step.reward)]
            if step.isDone { values += try env.reset().observation.floats }
        }
        return values
    }

    func testSameSeedSameTrajectoryDifferentSeedsDiffer() throws {
        for id in ClassicControlTests.ids {
            XCTAssertEqual(try trajectory(id, seed: 7), try trajectory(id, seed: 7), id)
            XCTAssertNotEqual(try trajectory(id, seed: 7), try trajectory(id, seed: 8), id)
        }
    }

    func testUnseededFirstResetIsReproducible() throws {
        for id in ClassicControlTests.ids {
            let a = try registry.make(id), b = try registry.make(id)
            XCTAssertEqual(try a.reset().observation, try b.reset().observation, id)
            // Later unseeded resets continue the generator instead of repeating the start.
            XCTAssertNotEqual(try a.reset().observation, try b.reset(seed: 0).observation, id)
        }
    }

    // MARK: Bad input

    private func assertInvalidAction(_ env: any Environment, _ action: Action, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try env.step(action), "\(action)", file: file, line: line) { error in
            guard case let .invalidAction(id, reason)? = error as? EnvironmentError else {
                return XCTFail("expected invalidAction, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(id, env.id, file: file, line: line)
            XCTAssertFalse(reason.isEmpty, file: file, line: line)
        }
    }

    func testInvalidActionsThrow() throws {
        for id in ["CartPole-v1", "MountainCar-v0", "Acrobot-v1"] {
            let env = try registry.make(id)
            _ = try env.reset(seed: 0)
            let n = env.actionSpace.discreteCount!
            assertInvalidAction(env, .discrete(n))
            assertInvalidAction(env, .discrete(-1))
            assertInvalidAction(env, .continuous([0]))
            assertInvalidAction(env, .multiDiscrete([0]))
            XCTAssertNoThrow(try env.step(.discrete(n - 1)), id)
        }
        for (id, bound) in [("MountainCarContinuous-v0", Float(1)), ("Pendulum-v1", Float(2))] {
            let env = try registry.make(id)
            _ = try env.reset(seed: 0)
            assertInvalidAction(env, .continuous([.nan]))
            assertInvalidAction(env, .continuous([bound.nextUp]))
            assertInvalidAction(env, .continuous([-.infinity]))
            assertInvalidAction(env, .continuous([0, 0]))
            assertInvalidAction(env, .float32([0], shape: [1, 1]))
            assertInvalidAction(env, .discrete(0))
            XCTAssertNoThrow(try env.step(.continuous([bound])), id)
            XCTAssertNoThrow(try env.step(.continuous([-bound])), id)
        }
        let env = try registry.make("MountainCarContinuous-v0")
        _ = try env.reset(seed: 0)
        XCTAssertThrowsError(try env.step(.continuous([.nan]))) { error in
            XCTAssertTrue("\(error)".contains("NaN"), "\(error)")
        }
    }

    func testStepBeforeResetThrows() throws {
        for id in ClassicControlTests.ids {
            let env = try registry.make(id)
            let action = env.actionSpace.discreteCount != nil ? Action.discrete(0) : .continuous([0])
            XCTAssertThrowsError(try env.step(action)) { error in
                XCTAssertEqual(error as? EnvironmentError, .stepBeforeReset(id: id))
            }
            // Setting the state does not stand in for a reset, as in Gymnasium.
            try (env.unwrapped as! any StatefulEnvironment).setState((env.unwrapped as! any StatefulEnvironment).state)
            XCTAssertThrowsError(try env.step(action))
        }
    }

    func testStepAfterTerminationThrowsUntilReset() throws {
        let cases: [(String, [Double], Action)] = [
            ("CartPole-v1", [2.39, 1.0, 0, 0], .discrete(1)),
            ("MountainCar-v0", [0.49, 0.02], .discrete(2)),
            ("MountainCarContinuous-v0", [0.44, 0.02], .continuous([1])),
            ("Acrobot-v1", [Double.pi, 0, 0, 0], .discrete(1)),
        ]
        for (id, state, action) in cases {
            let env = try registry.make(id)
            _ = try env.reset(seed: 0)
            try (env.unwrapped as! any StatefulEnvironment).setState(state)
            let last = try env.step(action)
            XCTAssertTrue(last.terminated, id)
            XCTAssertFalse(last.truncated, id)
            XCTAssertThrowsError(try env.step(action), id) { error in
                XCTAssertEqual(error as? EnvironmentError, .stepAfterDone(id: id))
            }
            _ = try env.reset()
            XCTAssertNoThrow(try env.step(action), id)
        }
    }

    func testTerminalRewards() throws {
        let cartPole = try CartPole()
        _ = try cartPole.reset(seed: 0)
        try cartPole.setState([2.39, 1.0, 0, 0])
        XCTAssertEqual(try cartPole.step(.discrete(1)).reward, 1)
        let suttonBarto = try CartPole(suttonBartoReward: true)
        _ = try suttonBarto.reset(seed: 0)
        XCTAssertEqual(try suttonBarto.step(.discrete(1)).reward, 0)
        try suttonBarto.setState([2.39, 1.0, 0, 0])
        XCTAssertEqual(try suttonBarto.step(.discrete(1)).reward, -1)
        let car = try MountainCarContinuous()
        _ = try car.reset(seed: 0)
        try car.setState([0.44, 0.02])
        let goal = try car.step(.continuous([0.5]))
        XCTAssertTrue(goal.terminated)
        XCTAssertEqual(goal.reward, 100 - 0.025)
        let acrobot = try Acrobot()
        _ = try acrobot.reset(seed: 0)
        XCTAssertEqual(try acrobot.step(.discrete(0)).reward, -1)
        XCTAssertEqual(acrobot.lastTorque, -1)
    }

    func testSetStateValidatesAndRoundTrips() throws {
        let envs: [any StatefulEnvironment] = [try CartPole(), try MountainCar(), try MountainCarContinuous(), try Acrobot(), try Pendulum()]
        for env in envs {
            _ = try env.reset(seed: 3)
            let count = env.state.count
            let state = (0..<count).map { Double($0) * 0.01 + 0.001 }
            try env.setState(state)
            XCTAssertEqual(env.state, state, env.id)
            for bad in [Array(state.dropLast()), state + [0], [], state.enumerated().map { $0.offset == 1 ? .nan : $0.element },
                        state.enumerated().map { $0.offset == 0 ? .infinity : $0.element }] {
                XCTAssertThrowsError(try env.setState(bad), "\(env.id) \(bad)") { error in
                    guard case .invalidState? = error as? EnvironmentError else { return XCTFail("\(error)") }
                }
            }
            XCTAssertEqual(env.state, state, "\(env.id): a refused state must leave the state alone")
        }
        // The observation follows the state at once (CartPole's is the state in float32).
        let cartPole = try CartPole()
        _ = try cartPole.reset(seed: 0)
        try cartPole.setState([0.5, -0.25, 0.125, 1])
        XCTAssertEqual(cartPole.state, [0.5, -0.25, 0.125, 1])
        XCTAssertEqual(cartPole.x, 0.5)
        XCTAssertEqual(cartPole.thetaDot, 1)
    }

    // MARK: Reset distributions and options

    func testResetBoundsOptions() throws {
        let cartPole = try CartPole()
        for seed in 0..<50 as Range<UInt64> {
            _ = try cartPole.reset(seed: seed)
            let state = cartPole.state
            XCTAssertTrue(state.allSatisfy { $0 >= -0.05 && $0 < 0.05 }, "\(state)")
            _ = try cartPole.reset(seed: seed, options: ["low": 0.1, "high": 0.2])
            XCTAssertTrue(cartPole.state.allSatisfy { $0 >= 0.1 && $0 < 0.2 }, "\(cartPole.state)")
            _ = try cartPole.reset(seed: seed, options: ["high": -0.3, "low": -0.4])
            XCTAssertTrue(cartPole.state.allSatisfy { $0 >= -0.4 && $0 < -0.3 }, "\(cartPole.state)")
        }
        // Equal bounds are allowed (Gymnasium only refuses low > high).
        _ = try cartPole.reset(seed: nil, options: ["low": 0.01, "high": 0.01])
        XCTAssertEqual(cartPole.state, [0.01, 0.01, 0.01, 0.01])
        for bad: [String: Double] in [["low": 0.2, "high": 0.1], ["lo": 0.1], ["low": .nan], ["high": .infinity]] {
            XCTAssertThrowsError(try cartPole.reset(seed: nil, options: bad), "\(bad)") { error in
                guard case .invalidOption? = error as? EnvironmentError else { return XCTFail("\(error)") }
            }
        }

        let car = try MountainCar()
        for seed in 0..<50 as Range<UInt64> {
            _ = try car.reset(seed: seed)
            XCTAssertTrue(car.position >= -0.6 && car.position < -0.4)
            XCTAssertEqual(car.velocity, 0)
            _ = try car.reset(seed: seed, options: ["low": -1.0, "high": -0.9])
            XCTAssertTrue(car.position >= -1.0 && car.position < -0.9)
        }
        let continuous = try MountainCarContinuous()
        _ = try continuous.reset(seed: 1, options: ["low": 0.1, "high": 0.1])
        XCTAssertEqual(continuous.state, [0.1, 0])

        let acrobot = try Acrobot()
        for seed in 0..<50 as Range<UInt64> {
            _ = try acrobot.reset(seed: seed)
            // Gymnasium casts the initial state to float32.
            XCTAssertTrue(acrobot.state.allSatisfy { abs($0) <= 0.1 && Double(Float($0)) == $0 }, "\(acrobot.state)")
            _ = try acrobot.reset(seed: seed, options: ["low": -1, "high": 1])
            XCTAssertTrue(acrobot.state.allSatisfy { abs($0) <= 1 })
        }
        XCTAssertGreaterThan(acrobot.state.map(abs).max()!, 0.1)

        let pendulum = try Pendulum()
        var widest = 0.0
        for seed in 0..<200 as Range<UInt64> {
            _ = try pendulum.reset(seed: seed)
            XCTAssertTrue(pendulum.theta >= -Double.pi && pendulum.theta < Double.pi)
            XCTAssertTrue(pendulum.thetaDot >= -1 && pendulum.thetaDot < 1)
            XCTAssertNil(pendulum.lastAction)
            widest = max(widest, abs(pendulum.theta))
            _ = try pendulum.reset(seed: seed, options: ["x_init": 0.5, "y_init": 0.1])
            XCTAssertTrue(abs(pendulum.theta) <= 0.5 && abs(pendulum.thetaDot) <= 0.1)
        }
        XCTAssertGreaterThan(widest, 3)
        XCTAssertThrowsError(try pendulum.reset(seed: nil, options: ["low": 0]))
    }

    func testObservationsFollowState() throws {
        let acrobot = try Acrobot()
        _ = try acrobot.reset(seed: 0)
        try acrobot.setState([0.5, -1, 2, -3])
        let step = try acrobot.step(.discrete(1))
        let s = acrobot.state
        XCTAssertEqual(step.observation, .float32([Float(cos(s[0])), Float(sin(s[0])), Float(cos(s[1])), Float(sin(s[1])),
                                                   Float(s[2]), Float(s[3])], shape: [6]))
        XCTAssertTrue(s[0] >= -Double.pi && s[0] <= Double.pi && s[1] >= -Double.pi && s[1] <= Double.pi)

        let pendulum = try Pendulum()
        let first = try pendulum.reset(seed: 0).observation.floats
        XCTAssertEqual(first[0], Float(cos(pendulum.theta)))
        XCTAssertEqual(first[2], Float(pendulum.thetaDot))
        try pendulum.setState([0, 7.99])
        _ = try pendulum.step(.continuous([2]))
        XCTAssertEqual(pendulum.thetaDot, 8, "θ̇ is clipped to ±8")
        XCTAssertEqual(pendulum.lastAction, 2)
        XCTAssertEqual(Pendulum.angleNormalize(3 * Double.pi / 2), -Double.pi / 2, accuracy: 1e-12)
        XCTAssertEqual(Pendulum.angleNormalize(-3 * Double.pi / 2), Double.pi / 2, accuracy: 1e-12)
        XCTAssertEqual(Pendulum.angleNormalize(0.25), 0.25, accuracy: 1e-15)

        let car = try MountainCar()
        _ = try car.reset(seed: 0)
        try car.setState([-1.19, -0.05])
        _ = try car.step(.discrete(0))
        XCTAssertEqual(car.state, [-1.2, 0], "the left wall stops the car")
    }

    // MARK: Options and render mode

    func testMakeOptions() throws {
        let semiImplicit = try registry.make("CartPole-v1", options: ["kinematics_integrator": "semi-implicit euler"])
        XCTAssertEqual((semiImplicit.unwrapped as! CartPole).integrator, .semiImplicitEuler)
        XCTAssertThrowsError(try registry.make("CartPole-v1", options: ["kinematics_integrator": "rk4"])) { error in
            XCTAssertTrue("\(error)".contains("semi-implicit euler"), "\(error)")
        }
        XCTAssertTrue((try registry.make("CartPole-v0", options: ["sutton_barto_reward": "true"]).unwrapped as! CartPole).suttonBartoReward)
        XCTAssertEqual((try registry.make("MountainCar-v0", options: ["goal_velocity": "0.03"]).unwrapped as! MountainCar).goalVelocity, 0.03)
        XCTAssertEqual((try registry.make("MountainCarContinuous-v0", options: ["goal_velocity": "0.01"]).unwrapped
                        as! MountainCarContinuous).goalVelocity, 0.01)
        XCTAssertEqual((try registry.make("Pendulum-v1", options: ["g": "9.81"]).unwrapped as! Pendulum).g, 9.81)
        XCTAssertThrowsError(try registry.make("Pendulum-v1", options: ["g": "heavy"]))
        XCTAssertThrowsError(try registry.make("Acrobot-v1", options: ["g": "9.81"]))

        // The integrators differ after one step.
        let euler = try CartPole(), semi = try CartPole(integrator: .semiImplicitEuler)
        for env in [euler, semi] {
            _ = try env.reset(seed: 0)
            try env.setState([0, 0, 0.1, 0])
            _ = try env.step(.discrete(1))
        }
        XCTAssertEqual(euler.x, 0)
        XCTAssertNotEqual(semi.x, 0)
        XCTAssertEqual(euler.xDot, semi.xDot)
    }

    func testRenderModeOption() throws {
        for id in ClassicControlTests.ids {
            XCTAssertNil(try registry.make(id).renderMode)
            XCTAssertEqual(try registry.make(id, options: ["render_mode": "rgb_array"]).renderMode, .rgbArray)
            XCTAssertThrowsError(try registry.make(id, options: ["render_mode": "ansi"]), id) { error in
                guard case let .invalidOption(_, option, _)? = error as? EnvironmentError else { return XCTFail("\(error)") }
                XCTAssertEqual(option, "render_mode")
            }
        }
    }

    func testRendererQuantitiesAreExposed() throws {
        let cartPole = try CartPole()
        XCTAssertEqual(cartPole.length, 0.5)
        XCTAssertEqual(cartPole.xThreshold, 2.4)
        XCTAssertEqual(cartPole.thetaThresholdRadians, 12 * 2 * Double.pi / 360)
        let car = try MountainCar()
        XCTAssertEqual([car.minPosition, car.maxPosition, car.goalPosition], [-1.2, 0.6, 0.5])
        XCTAssertEqual(car.height(at: 0), 0.55)
        XCTAssertEqual(try MountainCarContinuous().goalPosition, 0.45)
        let acrobot = try Acrobot()
        XCTAssertEqual([acrobot.linkLength1, acrobot.linkLength2], [1, 1])
        XCTAssertNil(acrobot.lastTorque)
    }

    // MARK: The textbook policy

    /// Pushing toward the side the pole leans: Gymnasium 1.4 gives a mean return of 41.7 and
    /// a maximum of 63 over seeds 0..<500 of CartPole-v1.
    func testTextbookPolicyOnCartPole() throws {
        let env = try registry.make("CartPole-v1")
        var returns: [Double] = []
        for seed in 0..<500 as Range<UInt64> {
            var observation = try env.reset(seed: seed).observation
            var total = 0.0
            while true {
                let step = try env.step(.discrete(observation.floats[2] < 0 ? 0 : 1))
                total += step.reward
                observation = step.observation
                if step.isDone { break }
            }
            returns.append(total)
        }
        let mean = returns.reduce(0, +) / Double(returns.count)
        print("textbook CartPole policy: mean return \(mean), min \(returns.min()!), max \(returns.max()!) over 500 episodes")
        XCTAssertTrue((35...50).contains(mean), "mean return \(mean)")
        XCTAssertLessThanOrEqual(returns.max()!, 80)
        XCTAssertGreaterThanOrEqual(returns.min()!, 8)
    }
}
