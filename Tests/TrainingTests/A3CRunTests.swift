import Agents
import Foundation
import Training
import XCTest

/// `swiftrl train a3c` goes through the same runs, checkpoints and resume as every agent.
final class A3CRunTests: XCTestCase {
    private func metrics(_ directory: URL) throws -> [[Double?]] {
        let table = try MetricsTable(contentsOf: directory.appendingPathComponent(TrainingRun.metricsFileName))
        let keys = table.keys.filter { $0 != "charts/SPS" }
        return table.rows.map { row in [Double(row.step)] + keys.map { key in row.values[table.keys.firstIndex(of: key)!] } }
    }

    func testCartPolePresetIsPickedAndAOneWorkerRunResumesExactly() throws {
        let tuned = try AlgorithmRegistry.shared.resolve(algorithm: "a3c", env: "CartPole-v1", seed: 9)
        XCTAssertEqual(tuned.preset, "cartpole")
        XCTAssertEqual(tuned.totalSteps, 200_000)
        var expected = A3CConfig()
        expected.seed = 9
        XCTAssertEqual(try tuned.agent.decode(A3CConfig.self), expected)

        let root = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-a3c-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        // 480-step iterations end inside episodes, so the resumed run has to continue one.
        let overrides = ["agent.nWorkers=1", "agent.stepsPerIteration=480", "evalEpisodes=2", "recordVideo=false",
                         "evalInterval=960", "evalIntervalEpisodes=2"]
        let config = try AlgorithmRegistry.shared.resolve(algorithm: "a3c", env: "CartPole-v1", overrides: overrides,
                                                          seed: 4, iterations: 5)
        let uninterrupted = try TrainingRun.start(config, directory: root.appendingPathComponent("a"))
        XCTAssertEqual(try uninterrupted.train(shouldStop: { false }), .completed)

        let interrupted = try TrainingRun.start(config, directory: root.appendingPathComponent("b"))
        XCTAssertEqual(try interrupted.train(shouldStop: { interrupted.agent.iterations >= 2 }), .interrupted)
        let resumed = try TrainingRun.resume(interrupted.directory)
        XCTAssertEqual(resumed.agent.environmentSteps, 960)
        XCTAssertEqual(try resumed.train(shouldStop: { false }), .completed)
        XCTAssertEqual(try metrics(resumed.directory), try metrics(uninterrupted.directory))
        XCTAssertEqual(try resumed.finish().evaluation, try uninterrupted.finish().evaluation)

        // The best policy so far is a checkpoint `swiftrl eval` loads.
        let best = try TrainedAgent.load(resumed.directory.appendingPathComponent(TrainingRun.bestCheckpointFileName))
        XCTAssertTrue(best.agent is A3CAgent)
    }

    func testATwoWorkerRunTrainsCheckpointsAndResumes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-a3c-run2-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let config = try AlgorithmRegistry.shared.resolve(algorithm: "a3c", env: "CartPole-v1",
                                                          overrides: ["evalEpisodes=0", "recordVideo=false"], seed: 2, iterations: 3)
        let run = try TrainingRun.start(config, directory: root)
        XCTAssertEqual(try run.train(shouldStop: { run.agent.iterations >= 2 }), .interrupted)
        let resumed = try TrainingRun.resume(root)
        XCTAssertEqual(resumed.agent.environmentSteps, 2 * 2_048)
        XCTAssertEqual(try resumed.train(shouldStop: { false }), .completed)
        XCTAssertEqual(resumed.agent.environmentSteps, 3 * 2_048)
        XCTAssertEqual(try metrics(root).count, 3)
    }
}
