import XCTest
import Environments
import Randomness

/// The README's environment example, kept compiling and working.
final class ReadmeEnvironmentExampleTests: XCTestCase {
    func testReadmeExample() throws {
        let env = try make("CartPole-v1", options: ["render_mode": "rgb_array"])
        var (observation, _) = try env.reset(seed: 42)
        var generator = RandomGenerator(seed: 0)
        var steps = 0
        while true {
            let step = try env.step(env.actionSpace.sample(using: &generator))
            steps += 1
            if step.terminated || step.truncated { break }
            observation = step.observation
        }
        XCTAssertTrue(env.observationSpace.contains(observation))
        XCTAssertGreaterThan(steps, 0)
        guard case let .rgb(_, height, width) = try env.render() else { return XCTFail("expected an RGB frame") }
        XCTAssertEqual([height, width], [400, 600])
        XCTAssertNoThrow(try checkEnvironment(CounterEnvironment(goal: 5)))
    }
}
