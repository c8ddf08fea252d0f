import Agents
import Foundation
import Training
import XCTest

final class RunConfigTests: XCTestCase {
    private let algorithms = AlgorithmRegistry([HillClimbingAgent.entry])
    private let algorithm = HillClimbingAgent.algorithmName

    func testLayersApplyInOrderDefaultsFileOverridesFlags() throws {
        let file = try RunConfig.parseFile(text: """
            env: MountainCar-v0
            seed: 3
            evalEpisodes: 4
            agent:
              episodesPerIteration: 5
              noiseScale: 0.25
            """, name: "run.yaml")
        let config = try algorithms.resolve(algorithm: algorithm, env: "CartPole-v1", file: file,
                                            overrides: ["agent.noiseScale=0.75", "evalEpisodes=7"], iterations: 9)
        XCTAssertEqual(config.env, "CartPole-v1", "--env wins over the file")
        XCTAssertEqual(config.seed, 3, "the file wins over the default")
        XCTAssertEqual(config.evalEpisodes, 7, "--set wins over the file")
        XCTAssertEqual(config.iterations, 9)
        let agent = try config.agent.decode(HillClimbingAgent.Config.self)
        XCTAssertEqual(agent, HillClimbingAgent.Config(episodesPerIteration: 5, noiseScale: 0.75))
        // Defaults fill what nobody set.
        let plain = try algorithms.resolve(algorithm: algorithm, env: "CartPole-v1")
        XCTAssertEqual(plain.iterations, 6, "the algorithm's default budget")
        XCTAssertEqual(try plain.agent.decode(HillClimbingAgent.Config.self), HillClimbingAgent.Config())
    }

    func testJSONFilesAreReadToo() throws {
        let tree = try RunConfig.parseFile(text: #"{"seed": 12, "agent": {"noiseScale": 2}}"#, name: "run.json")
        let config = try algorithms.resolve(algorithm: algorithm, env: "CartPole-v1", file: tree)
        XCTAssertEqual(config.seed, 12)
        XCTAssertEqual(try config.agent.decode(HillClimbingAgent.Config.self).noiseScale, 2)
    }

    func testMisspeltKeysAreErrorsThatSuggestTheRightOne() throws {
        XCTAssertThrowsError(try algorithms.resolve(algorithm: algorithm, env: "CartPole-v1", overrides: ["agent.noiseScal=1"])) { error in
            XCTAssertEqual(error as? RunConfigError, .unknownKeys(["agent.noiseScal"], known: ["agent.episodesPerIteration", "agent.noiseScale"]))
            XCTAssertTrue("\(error)".contains("did you mean 'agent.noiseScale'"), "\(error)")
        }
        XCTAssertThrowsError(try algorithms.resolve(algorithm: algorithm, env: "CartPole-v1", overrides: ["evalEpisode=1"])) { error in
            XCTAssertTrue("\(error)".contains("'evalEpisodes'"), "\(error)")
        }
    }

    func testBadValuesAndInputsNameTheProblem() throws {
        XCTAssertThrowsError(try algorithms.resolve(algorithm: algorithm, env: "CartPole-v1", overrides: ["agent.noiseScale=big"])) { error in
            XCTAssertTrue("\(error)".contains("noiseScale"), "\(error)")
        }
        XCTAssertThrowsError(try algorithms.resolve(algorithm: algorithm, env: "CartPole-v1", overrides: ["seed"])) { error in
            XCTAssertEqual(error as? RunConfigError, .malformedOverride("seed"))
        }
        XCTAssertThrowsError(try algorithms.resolve(algorithm: algorithm, env: nil)) { error in
            XCTAssertTrue("\(error)".contains("--env"), "\(error)")
        }
        XCTAssertThrowsError(try algorithms.resolve(algorithm: "hill-climbin", env: "CartPole-v1")) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'test-hill-climbing'") || "\(error)".contains("test-hill-climbing"), "\(error)")
        }
        XCTAssertThrowsError(try algorithms.resolve(algorithm: algorithm, env: "CartPole-v1", iterations: 0))
        XCTAssertThrowsError(try RunConfig.parseFile(text: "env: [unclosed", name: "bad.yaml")) { error in
            XCTAssertTrue("\(error)".contains("bad.yaml"), "\(error)")
        }
        XCTAssertThrowsError(try RunConfig.parseFile(text: "{\"seed\": ", name: "bad.json"))
        XCTAssertThrowsError(try RunConfig.loadFile(URL(fileURLWithPath: "/nonexistent/run.yaml"))) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/run.yaml"), "\(error)")
        }
    }

    func testEveryHyperparameterReachesTheAgent() throws {
        // A config change that silently does nothing is a classic bug: each key must change the agent.
        for override in ["agent.episodesPerIteration=3", "agent.noiseScale=0.9"] {
            let config = try algorithms.resolve(algorithm: algorithm, env: "CartPole-v1", overrides: [override])
            let agent = try algorithms.entry(named: algorithm).makeAgent(config: config.agent, context: RunContext(environmentID: "CartPole-v1", seed: 1))
            let hill = try XCTUnwrap(agent as? HillClimbingAgent)
            XCTAssertNotEqual(hill.config, HillClimbingAgent.Config(), override)
        }
    }
}
