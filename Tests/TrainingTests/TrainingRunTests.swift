import Agents
import Environments
import Foundation
import Training
import XCTest

final class TrainingRunTests: XCTestCase {
    private let algorithms = AlgorithmRegistry([HillClimbingAgent.entry])
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-run-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    private func config(iterations: Int = 6, checkpointInterval: Int = 10) throws -> RunConfig {
        try algorithms.resolve(algorithm: HillClimbingAgent.algorithmName, env: "CartPole-v1",
                               overrides: ["checkpointInterval=\(checkpointInterval)", "evalEpisodes=3",
                                           "runsDirectory=\"\(root.path)\""],
                               seed: 5, iterations: iterations)
    }

    /// metrics.csv without the columns that measure time.
    private func deterministicMetrics(_ directory: URL) throws -> [[String: Double]] {
        let table = try MetricsTable(contentsOf: directory.appendingPathComponent(TrainingRun.metricsFileName))
        return table.rows.map { row in
            var values: [String: Double] = ["step": Double(row.step)]
            for (key, value) in zip(table.keys, row.values) where key != "charts/SPS" {
                if let value { values[key] = value }
            }
            return values
        }
    }

    func testARunWritesEveryFileTheRunDirectoryPromises() throws {
        let run = try TrainingRun.start(try config(), algorithms: algorithms)
        XCTAssertTrue(run.directory.path.hasPrefix(root.path))
        XCTAssertTrue(run.directory.lastPathComponent.hasPrefix("test-hill-climbing-CartPole-v1-5-"))
        XCTAssertEqual(try run.train(shouldStop: { false }), .completed)
        let report = try run.finish()
        let files = try FileManager.default.contentsOfDirectory(atPath: run.directory.path)
        for name in [TrainingRun.configFileName, TrainingRun.metricsFileName, TrainingRun.checkpointFileName,
                     TrainingRun.evaluationFileName, TrainingRun.videoFileName] {
            XCTAssertTrue(files.contains(name), "missing \(name) in \(files)")
        }
        XCTAssertTrue(files.contains { $0.hasPrefix("events.out.tfevents.") })
        // The resolved config round-trips.
        let written = try RunConfig.loadFile(run.directory.appendingPathComponent(TrainingRun.configFileName)).decode(RunConfig.self)
        XCTAssertEqual(written, run.config)
        // One CSV row and one TensorBoard point per iteration, at the environment step.
        let table = try MetricsTable(contentsOf: run.directory.appendingPathComponent(TrainingRun.metricsFileName))
        XCTAssertEqual(table.rows.count, 6)
        XCTAssertEqual(table.rows.last?.step, run.agent.environmentSteps)
        let eventFile = try TensorBoardEventReader.eventFiles(in: run.directory)[0]
        let scalars = try TensorBoardEventReader.scalars(at: eventFile)
        XCTAssertEqual(scalars["charts/episodic_return"]?.count, 6)
        XCTAssertEqual(scalars["charts/episodic_return"]?.map(\.step), table.rows.map(\.step))
        XCTAssertNotNil(scalars["losses/best_return"])
        // The GIF starts with its signature; the evaluation matches a fresh evaluation.
        let gif = try Data(contentsOf: run.directory.appendingPathComponent(TrainingRun.videoFileName))
        XCTAssertEqual(Array(gif.prefix(6)), Array("GIF89a".utf8))
        XCTAssertEqual(report.evaluation?.episodes, 3)
        let loaded = try TrainedAgent.load(run.directory, algorithms: algorithms)
        let again = try Evaluation.evaluate(policy: loaded.agent.policy, environment: try loaded.context.makeEnvironment(),
                                            episodes: 3, seed: run.config.seed &+ 1_000_003)
        XCTAssertEqual(again, report.evaluation)
    }

    func testCheckpointVideosRecordTheAgentAtEachPeriodicCheckpoint() throws {
        var config = try config(iterations: 5, checkpointInterval: 2)
        config.checkpointVideos = true
        let run = try TrainingRun.start(config, algorithms: algorithms)
        XCTAssertEqual(try run.train(shouldStop: { false }), .completed)
        let folder = run.directory.appendingPathComponent(TrainingRun.videosDirectoryName)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        // Iterations 2 and 4 write periodic checkpoints; the final one at 5 is the run's end.
        XCTAssertEqual(names.count, 2, "\(names)")
        for name in names {
            XCTAssertTrue(name.hasPrefix("step-") && name.hasSuffix(".gif"), name)
            XCTAssertEqual(Array(try Data(contentsOf: folder.appendingPathComponent(name)).prefix(6)), Array("GIF89a".utf8))
        }
        config.checkpointVideos = false
        let quiet = try TrainingRun.start(config, algorithms: algorithms)
        try quiet.train(shouldStop: { false })
        XCTAssertFalse(FileManager.default.fileExists(atPath: quiet.directory.appendingPathComponent(TrainingRun.videosDirectoryName).path))
    }

    func testInterruptAndResumeReproduceTheUninterruptedRun() throws {
        let uninterrupted = try TrainingRun.start(try config(), directory: root.appendingPathComponent("a"), algorithms: algorithms)
        try uninterrupted.train(shouldStop: { false })
        let expected = try deterministicMetrics(uninterrupted.directory)

        let interrupted = try TrainingRun.start(try config(), directory: root.appendingPathComponent("b"), algorithms: algorithms)
        var checks = 0
        XCTAssertEqual(try interrupted.train(shouldStop: { checks += 1; return checks > 3 }), .interrupted)
        XCTAssertEqual(interrupted.agent.iterations, 3)
        let resumed = try TrainingRun.resume(interrupted.directory, algorithms: algorithms)
        XCTAssertEqual(resumed.agent.iterations, 3)
        XCTAssertEqual(try resumed.train(shouldStop: { false }), .completed)
        XCTAssertEqual(try deterministicMetrics(resumed.directory), expected)
    }

    func testAResumeAfterACrashBetweenCheckpointsDropsTheLogsPastTheCheckpoint() throws {
        let uninterrupted = try TrainingRun.start(try config(), directory: root.appendingPathComponent("a"), algorithms: algorithms)
        try uninterrupted.train(shouldStop: { false })
        let expected = try deterministicMetrics(uninterrupted.directory)

        // Checkpoint at iteration 3, then a "crash" after iteration 4 was logged: the progress
        // callback of iteration 4 keeps a copy of the iteration-3 checkpoint, which replaces
        // the one the orderly stop writes.
        let crashed = try TrainingRun.start(try config(checkpointInterval: 3), directory: root.appendingPathComponent("b"),
                                            algorithms: algorithms)
        let checkpoint = crashed.directory.appendingPathComponent(TrainingRun.checkpointFileName)
        var saved: Data?
        _ = try crashed.train(progress: { update in
            if update.iterations == 4 && saved == nil { saved = try? Data(contentsOf: checkpoint) }
        }, shouldStop: { crashed.agent.iterations >= 4 })
        try XCTUnwrap(saved).write(to: checkpoint)
        XCTAssertEqual(try deterministicMetrics(crashed.directory).count, 4)

        let resumed = try TrainingRun.resume(crashed.directory, algorithms: algorithms)
        XCTAssertEqual(resumed.agent.iterations, 3)
        try resumed.train(shouldStop: { false })
        XCTAssertEqual(try deterministicMetrics(resumed.directory), expected)
        // TensorBoard sees one point per step, the orphaned iteration-4 point dropped.
        var steps: [Int] = []
        for file in try TensorBoardEventReader.eventFiles(in: resumed.directory) {
            steps += try TensorBoardEventReader.scalars(at: file)["charts/episodic_return"]?.map(\.step) ?? []
        }
        XCTAssertEqual(Set(steps).count, 6)
    }

    func testDamagedOrMissingFilesGiveClearErrorsAndTouchNothing() throws {
        let run = try TrainingRun.start(try config(iterations: 2), directory: root.appendingPathComponent("r"), algorithms: algorithms)
        try run.train(shouldStop: { false })
        let directory = run.directory
        func snapshot() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                files[name] = try Data(contentsOf: directory.appendingPathComponent(name))
            }
            return files
        }
        let checkpoint = directory.appendingPathComponent(TrainingRun.checkpointFileName)
        let good = try Data(contentsOf: checkpoint)

        try Data("not a checkpoint".utf8).write(to: checkpoint)
        var before = try snapshot()
        XCTAssertThrowsError(try TrainingRun.resume(directory, algorithms: algorithms)) { error in
            guard case RunError.unreadableCheckpoint = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains(TrainingRun.checkpointFileName))
        }
        XCTAssertEqual(try snapshot(), before)

        // Truncated in the middle of its data.
        try good.prefix(good.count / 2).write(to: checkpoint)
        before = try snapshot()
        XCTAssertThrowsError(try TrainingRun.resume(directory, algorithms: algorithms))
        XCTAssertEqual(try snapshot(), before)

        try FileManager.default.removeItem(at: checkpoint)
        before = try snapshot()
        XCTAssertThrowsError(try TrainingRun.resume(directory, algorithms: algorithms)) { error in
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
        XCTAssertEqual(try snapshot(), before)

        try good.write(to: checkpoint)
        let configURL = directory.appendingPathComponent(TrainingRun.configFileName)
        let goodConfig = try Data(contentsOf: configURL)
        try Data("{\"algorithm\": 3".utf8).write(to: configURL)
        before = try snapshot()
        XCTAssertThrowsError(try TrainingRun.resume(directory, algorithms: algorithms)) { error in
            XCTAssertTrue("\(error)".contains(TrainingRun.configFileName), "\(error)")
        }
        XCTAssertEqual(try snapshot(), before)

        // A config edited after the checkpoint no longer matches it.
        let edited = try RunConfig.parseFile(text: String(decoding: goodConfig, as: UTF8.self), name: "config.json")
            .setting(.number(99), at: ["seed"])
        try Data(try edited.jsonText().utf8).write(to: configURL)
        before = try snapshot()
        XCTAssertThrowsError(try TrainingRun.resume(directory, algorithms: algorithms)) { error in
            guard case RunError.checkpointMismatch = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try snapshot(), before)

        try FileManager.default.removeItem(at: configURL)
        XCTAssertThrowsError(try TrainingRun.resume(directory, algorithms: algorithms)) { error in
            guard case RunError.notARunDirectory = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try TrainingRun.resume(root.appendingPathComponent("nowhere"), algorithms: algorithms))
    }
}

final class EvaluationTests: XCTestCase {
    func testEvaluationOfAnEnvironmentWithoutEndsIsBounded() throws {
        // The textbook MDP never terminates and has no time limit.
        let environment = try Registry.shared.make("ThreeStateMDP-v0")
        let policy = ScriptedPolicy(actionSpace: environment.actionSpace) { step, _ in .discrete(step.observation.discreteValue == 1 ? 2 : (step.observation.discreteValue == 2 ? 1 : 0)) }
        let result = try Evaluation.evaluate(policy: policy, environment: environment, episodes: 3, seed: 0, maxEpisodeSteps: 50)
        XCTAssertEqual(result.episodes, 3)
        XCTAssertEqual(result.meanLength, 50)
    }

    func testStatisticsArePopulationStatistics() {
        let result = EvaluationResult(returns: [1, 2, 3, 4], lengths: [1, 1, 1, 1])
        XCTAssertEqual(result.meanReturn, 2.5)
        XCTAssertEqual(result.stdReturn, (1.25 as Double).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(result.minReturn, 1)
        XCTAssertEqual(result.maxReturn, 4)
    }
}
