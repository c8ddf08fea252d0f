import Agents
import Environments
import Foundation
import Training
import XCTest

/// The README's training example, verbatim but for the budgets and the runs directory.
final class ReadmeTrainingExampleTests: XCTestCase {
    func testTheReadmeTrainingExampleRuns() throws {
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-readme-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: runs) }

        // An agent in a few lines: build, learn, evaluate.
        let agent = try REINFORCEAgent.make(config: REINFORCEConfig(), environment: make("CartPole-v1"))
        for _ in 0..<20 { _ = try agent.trainIteration() }
        let result = try Evaluation.evaluate(policy: agent.policy, environment: make("CartPole-v1"), episodes: 10, seed: 0)
        XCTAssertGreaterThan(result.meanReturn, 0)

        // The whole run, as `swiftrl train` does it: config, logs, checkpoints, learning curve, GIF.
        let config = try AlgorithmRegistry.shared.resolve(algorithm: "reinforce", env: "CartPole-v1",
                                                          overrides: ["runsDirectory=\"\(runs.path)\""], seed: 1, iterations: 5)
        let run = try TrainingRun.start(config)
        try run.train()
        let report = try run.finish()
        let resumed = try TrainingRun.resume(run.directory)   // continues exactly where a checkpoint left off
        XCTAssertTrue(resumed.isComplete)
        XCTAssertNotNil(report.evaluation)
        XCTAssertNotNil(report.videoURL)
    }
}
