import Agents
import Foundation
import Training
import XCTest

/// `swiftrl train sac`: RL Zoo's Pendulum preset, SB3's spellings on the command line, and a
/// run that resumes exactly from its checkpoint file and replay attachment.
final class SACRunTests: XCTestCase {
    private let registry = AlgorithmRegistry.shared

    func testPendulumPicksRLZooSettingsAndSB3SpellingsWork() throws {
        let pendulum = try registry.resolve(algorithm: "sac", env: "Pendulum-v1")
        XCTAssertEqual(pendulum.preset, "rl-zoo-pendulum")
        XCTAssertEqual(pendulum.totalSteps, 20_000)
        XCTAssertEqual(try pendulum.agent.decode(SACConfig.self), { var c = SACConfig.rlZooPendulum; c.seed = 1; return c }())
        XCTAssertEqual(try pendulum.agent.decode(SACConfig.self).learningRate, 1e-3)

        let mountainCar = try registry.resolve(algorithm: "sac", env: "MountainCarContinuous-v0")
        XCTAssertEqual(mountainCar.preset, "rl-zoo-mountaincarcontinuous")
        XCTAssertEqual(mountainCar.totalSteps, 50_000)
        XCTAssertTrue(try mountainCar.agent.decode(SACConfig.self).useSde)

        let other = try registry.resolve(algorithm: "sac", env: "MountainCarContinuous-v0",
                                         overrides: ["agent.entCoef=auto_0.1", "agent.targetEntropy=-2", "agent.useSde=false"])
        XCTAssertEqual(other.totalSteps, 50_000)
        let agent = try other.agent.decode(SACConfig.self)
        XCTAssertEqual(agent.entCoef, .auto(initial: 0.1))
        XCTAssertEqual(agent.targetEntropy, .value(-2))
        XCTAssertEqual(agent.policyLayers, [64, 64])
        XCTAssertFalse(agent.useSde)
        XCTAssertEqual(try registry.resolve(algorithm: "sac", env: "Pendulum-v1", overrides: ["agent.entCoef=0.05"])
            .agent.decode(SACConfig.self).entCoef, .fixed(0.05))

        XCTAssertThrowsError(try registry.resolve(algorithm: "sac", env: "Pendulum-v1", overrides: ["agent.entCoef=automatic"])) { error in
            XCTAssertTrue("\(error)".contains("entCoef") && "\(error)".contains("auto_"), "\(error)")
        }
        XCTAssertThrowsError(try registry.resolve(algorithm: "sac", env: "Pendulum-v1", overrides: ["agent.ent_coef=0.1"])) { error in
            XCTAssertTrue("\(error)".contains("agent.ent_coef"), "a misspelt key is named: \(error)")
        }
        let invalid = try registry.resolve(algorithm: "sac", env: "Pendulum-v1", overrides: ["agent.tau=2"])
        XCTAssertThrowsError(try TrainingRun.start(invalid, directory: FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftrl-sac-invalid-\(UUID().uuidString)"))) { error in
            XCTAssertTrue("\(error)".contains("tau must lie in (0, 1]"), "\(error)")
        }
        let discrete = try registry.resolve(algorithm: "sac", env: "CartPole-v1")
        XCTAssertThrowsError(try TrainingRun.start(discrete, directory: FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftrl-sac-discrete-\(UUID().uuidString)"))) { error in
            XCTAssertTrue("\(error)".contains("Box action spaces"), "\(error)")
        }
    }

    func testInterruptedSACRunResumesExactly() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-sac-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let overrides = ["agent.policyLayers=[32]", "agent.criticLayers=[32]", "agent.batchSize=32", "agent.bufferSize=5000",
                         "agent.stepsPerIteration=200", "evalEpisodes=1", "recordVideo=false"]
        let config = try registry.resolve(algorithm: "sac", env: "Pendulum-v1", overrides: overrides, seed: 4, iterations: 4)
        func metrics(_ directory: URL) throws -> [[Double?]] {
            let table = try MetricsTable(contentsOf: directory.appendingPathComponent(TrainingRun.metricsFileName))
            let keys = table.keys.filter { $0 != "charts/SPS" }
            return table.rows.map { row in [Double(row.step)] + keys.map { key in row.values[table.keys.firstIndex(of: key)!] } }
        }
        let uninterrupted = try TrainingRun.start(config, directory: root.appendingPathComponent("a"))
        try uninterrupted.train(shouldStop: { false })
        let interrupted = try TrainingRun.start(config, directory: root.appendingPathComponent("b"))
        XCTAssertEqual(try interrupted.train(shouldStop: { interrupted.agent.iterations >= 2 }), .interrupted)
        let resumed = try TrainingRun.resume(interrupted.directory)
        try resumed.train(shouldStop: { false })
        XCTAssertEqual(try metrics(resumed.directory), try metrics(uninterrupted.directory))
        XCTAssertEqual(try resumed.finish().evaluation, try uninterrupted.finish().evaluation)
    }
}
