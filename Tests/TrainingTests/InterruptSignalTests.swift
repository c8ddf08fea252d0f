import Foundation
import Training
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class InterruptSignalTests: XCTestCase {
    func testCtrlCBecomesARequestThatTheRunHonoursWithACheckpoint() throws {
        let algorithms = AlgorithmRegistry([HillClimbingAgent.entry])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-sigint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try algorithms.resolve(algorithm: HillClimbingAgent.algorithmName, env: "CartPole-v1", iterations: 6)
        let run = try TrainingRun.start(config, directory: directory, algorithms: algorithms)

        InterruptSignal.install()
        InterruptSignal.clear()
        defer {
            InterruptSignal.clear()
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        // A real SIGINT, delivered to this process: the handler records it instead of exiting.
        raise(SIGINT)
        XCTAssertTrue(InterruptSignal.isRequested)
        XCTAssertEqual(try run.train(), .interrupted)
        XCTAssertEqual(run.agent.iterations, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent(TrainingRun.checkpointFileName).path))

        InterruptSignal.clear()
        let resumed = try TrainingRun.resume(directory, algorithms: algorithms)
        XCTAssertEqual(try resumed.train(), .completed)
        XCTAssertEqual(resumed.agent.iterations, 6)
    }
}
