import Environments
import GymBridge
import XCTest

final class GymnasiumEnvironmentTests: XCTestCase {
    func testCartPoleSteps() throws {
        let env = try GymnasiumEnvironment(id: "CartPole-v1")
        let (observation, _) = try env.reset(seed: 0)
        print(observation, env.observationSpace, env.actionSpace)
        let step = try env.step(.discrete(1))
        print(step)
    }
}
