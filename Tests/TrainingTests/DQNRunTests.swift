import Agents
import Foundation
import Training
import XCTest

/// A DQN run saves its replay buffer beside the checkpoint and resumes exactly.
final class DQNRunTests: XCTestCase {
    func testInterruptedDQNRunResumesExactlyWithItsReplayBuffer() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-dqn-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let overrides = ["agent.network.fcLayerParams=[32]", "agent.learningStarts=300", "agent.trainFreq=50",
                         "agent.gradientSteps=10", "agent.stepsPerIteration=400", "agent.bufferSize=5000",
                         "evalEpisodes=0", "recordVideo=false"]
        let config = try AlgorithmRegistry.shared.resolve(algorithm: "dqn", env: "CartPole-v1", overrides: overrides,
                                                          seed: 4, iterations: 5)
        func metrics(_ directory: URL) throws -> [[Double?]] {
            let table = try MetricsTable(contentsOf: directory.appendingPathComponent(TrainingRun.metricsFileName))
            let keys = table.keys.filter { $0 != "charts/SPS" }
            return table.rows.map { row in [Double(row.step)] + keys.map { key in row.values[table.keys.firstIndex(of: key)!] } }
        }
        let uninterrupted = try TrainingRun.start(config, directory: root.appendingPathComponent("a"))
        try uninterrupted.train(shouldStop: { false })

        let interrupted = try TrainingRun.start(config, directory: root.appendingPathComponent("b"))
        XCTAssertEqual(try interrupted.train(shouldStop: { interrupted.agent.iterations >= 2 }), .interrupted)
        let files = try FileManager.default.contentsOfDirectory(atPath: interrupted.directory.path)
        XCTAssertEqual(files.filter { $0.hasPrefix("checkpoint.replay.") }.count, 1, "\(files)")
        let resumed = try TrainingRun.resume(interrupted.directory)
        try resumed.train(shouldStop: { false })
        XCTAssertEqual(try metrics(resumed.directory), try metrics(uninterrupted.directory))

        // Without its replay file the checkpoint cannot be resumed, and says which file is missing.
        let replay = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: resumed.directory.path)
            .first { $0.hasPrefix("checkpoint.replay.") })
        try FileManager.default.removeItem(at: resumed.directory.appendingPathComponent(replay))
        XCTAssertThrowsError(try TrainingRun.resume(resumed.directory)) { error in
            XCTAssertTrue("\(error)".contains(replay), "\(error)")
        }
    }
}
