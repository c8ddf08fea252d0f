import Environments
import Foundation
import GymBridge
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every way the bridge can fail gives a thrown error that names the problem and the fix,
/// never a hang, a zombie or an orphaned Python process.
final class GymBridgeFailureTests: XCTestCase {
    // MARK: Set-up problems

    func testMissingInterpreterSaysWhatToInstall() {
        XCTAssertThrowsError(try GymnasiumEnvironment(id: "CartPole-v1", python: "/nonexistent/python3")) { error in
            XCTAssertEqual(error as? GymBridgeError, .pythonNotFound(python: "/nonexistent/python3", searched: ["/nonexistent/python3"]))
            XCTAssertTrue("\(error)".contains("pip install gymnasium"), "\(error)")
        }
        XCTAssertThrowsError(try GymnasiumEnvironment(id: "CartPole-v1", python: "no-such-python-swiftrl")) { error in
            guard case let GymBridgeError.pythonNotFound(_, searched)? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertFalse(searched.isEmpty)
            XCTAssertTrue("\(error)".contains("SWIFTRL_PYTHON"), "\(error)")
        }
    }

    func testMissingGymnasiumOrAlePySaysWhatToInstall() throws {
        try GymTestSupport.requireGymnasium()
        let noGymnasium = try GymTestSupport.interpreter(hiding: "gymnasium")
        XCTAssertThrowsError(try GymnasiumEnvironment(id: "CartPole-v1", python: noGymnasium)) { error in
            guard case let GymBridgeError.missingModule(_, module, install, _)? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertEqual(module, "gymnasium")
            XCTAssertEqual(install, "pip install gymnasium")
        }
        let noAle = try GymTestSupport.interpreter(hiding: "ale_py")
        XCTAssertThrowsError(try GymnasiumEnvironment(id: "ALE/Pong-v5", python: noAle)) { error in
            guard case let GymBridgeError.missingModule(_, module, install, _)? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertEqual(module, "ale_py")
            XCTAssertEqual(install, "pip install ale-py")
            XCTAssertTrue("\(error)".contains("`pip install ale-py`"), "\(error)")
        }
    }

    func testUnknownIDSuggestsGymnasiumsNearestIDs() throws {
        try GymTestSupport.requireGymnasium()
        // Without ale-py an unknown id is still an unknown id, not a missing ale-py.
        let noAle = try GymTestSupport.interpreter(hiding: "ale_py")
        XCTAssertThrowsError(try GymnasiumEnvironment(id: "NoSuchEnvironment-v0", python: noAle)) { error in
            guard case GymBridgeError.unknownID? = error as? GymBridgeError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try GymnasiumEnvironment(id: "CartPoleX-v1")) { error in
            guard case let GymBridgeError.unknownID(id, _, suggestions)? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertEqual(id, "CartPoleX-v1")
            XCTAssertTrue(suggestions.contains("CartPole-v1"), "\(suggestions)")
        }
    }

    func testSlowStartIsATimeoutNotAHang() throws {
        let directory = try GymTestSupport.temporaryDirectory()
        let launcher = directory.appendingPathComponent("slow-python")
        try "#!/bin/sh\necho importing slowly\nsleep 30\n".write(to: launcher, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: launcher.path)
        let start = Date()
        XCTAssertThrowsError(try GymnasiumEnvironment(id: "CartPole-v1", python: launcher.path, startupTimeout: 0.5)) { error in
            guard case let GymBridgeError.startupTimeout(_, seconds, log)? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertEqual(seconds, 0.5)
            XCTAssertTrue(log.contains("importing slowly"), log)
            XCTAssertTrue("\(error)".contains("startup_timeout"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "the slow worker was not killed promptly")
    }

    // MARK: The registry

    func testRegistryReachesGymnasiumIDsAndKeepsNativeTyposNative() throws {
        let registry = Registry(specs: Registry.shared.specs)
        Gymnasium.install(in: registry)
        Gymnasium.install(in: registry)
        XCTAssertEqual(registry.resolverNames, ["gymnasium"])
        // A near-miss of a native id keeps the registry's suggestion and starts no Python.
        XCTAssertThrowsError(try registry.make("CartPol-v1")) { error in
            guard case let EnvironmentError.unknownID(id, suggestions)? = error as? EnvironmentError else { return XCTFail("\(error)") }
            XCTAssertEqual(id, "CartPol-v1")
            XCTAssertEqual(suggestions.first, "CartPole-v1")
        }
        XCTAssertFalse(try registry.make("CartPole-v1").unwrapped is GymnasiumEnvironment)
        // Without Gymnasium, an unknown id says both that it is not native and what to install.
        let noGymnasium = try GymTestSupport.interpreter(hiding: "gymnasium")
        XCTAssertThrowsError(try registry.make("NoSuchEnvironment-v9", options: ["python": noGymnasium])) { error in
            guard case GymBridgeError.notNative? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("swiftrl envs") && "\(error)".contains("pip install gymnasium"), "\(error)")
        }
        try GymTestSupport.requireGymnasium()
        let bridged = try registry.make("gym:CartPole-v1", options: ["max_episode_steps": "20", "sutton_barto_reward": "true"])
        defer { bridged.close() }
        let gymnasium = try XCTUnwrap(bridged.unwrapped as? GymnasiumEnvironment)
        XCTAssertEqual(gymnasium.id, "CartPole-v1")
        XCTAssertEqual(gymnasium.maxEpisodeSteps, 20, "max_episode_steps reaches gymnasium.make")
        _ = try bridged.reset(seed: 0)
        var steps = 0
        var rewards: [Double] = []
        while true {
            let step = try bridged.step(.discrete(steps % 2))
            steps += 1
            rewards.append(step.reward)
            if step.isDone { XCTAssertTrue(step.truncated); break }
        }
        XCTAssertEqual(steps, 20)
        XCTAssertEqual(Set(rewards), [0], "the keyword argument sutton_barto_reward reached CartPole")
        XCTAssertThrowsError(try registry.make("gym:CartPole-v1", options: ["startup_timeout": "-1"]))
    }

    // MARK: Failures inside Python

    func testPythonExceptionCarriesItsTracebackAndTheEnvironmentRecovers() throws {
        try GymTestSupport.requireGymnasium()
        let python = try GymTestSupport.interpreterWithTestEnvironments()
        let env = try GymnasiumEnvironment(id: "swiftrl_test_envs:Faulty-v0", python: python)
        defer { env.close() }
        _ = try env.reset(seed: 0)
        _ = try env.step(.discrete(0))
        _ = try env.step(.discrete(1))
        XCTAssertThrowsError(try env.step(.discrete(0))) { error in
            guard case let GymBridgeError.pythonException(_, operation, message, traceback)? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertEqual(operation, "step")
            XCTAssertEqual(message, "ValueError: the test environment fails at step 3")
            XCTAssertTrue(traceback.contains("swiftrl_test_envs.py") && traceback.contains("raise ValueError"), traceback)
        }
        XCTAssertThrowsError(try env.step(.discrete(0))) { XCTAssertEqual($0 as? EnvironmentError, .stepBeforeReset(id: env.id)) }
        _ = try env.reset(seed: 1)
        XCTAssertEqual(try env.step(.discrete(0)).reward, 1)
        XCTAssertTrue(env.workerLog().contains("stdout is not the protocol channel"), "prints go to the log")
    }

    func testWorkerThatExitsOrCrashesIsAnErrorAndIsReaped() throws {
        try GymTestSupport.requireGymnasium()
        let python = try GymTestSupport.interpreterWithTestEnvironments()
        for (how, expected) in [("exit", WorkerExit.exited(code: 3)), ("segfault", .signaled(SIGSEGV))] {
            let env = try GymnasiumEnvironment(id: "swiftrl_test_envs:Faulty-v0", arguments: ["how": .string(how)], python: python)
            let pid = env.workerProcessID
            _ = try env.reset(seed: 0)
            _ = try env.step(.discrete(0))
            _ = try env.step(.discrete(0))
            XCTAssertThrowsError(try env.step(.discrete(0))) { error in
                guard case let GymBridgeError.workerDied(_, exit, log)? = error as? GymBridgeError else { return XCTFail("\(error)") }
                XCTAssertEqual(exit, expected)
                XCTAssertTrue(log.contains("step 3"), log)
                if how == "exit" { XCTAssertTrue(log.contains("last words before exiting"), log) }
                XCTAssertTrue("\(error)".contains("Make the environment again"), "\(error)")
            }
            XCTAssertTrue(Self.isGone(pid), "worker \(pid) was not reaped")
            XCTAssertThrowsError(try env.reset(seed: 0)) { XCTAssertEqual($0 as? GymBridgeError, .closed(label: env.id)) }
        }
    }

    func testWorkerKilledFromOutsideIsAnError() throws {
        try GymTestSupport.requireGymnasium()
        let env = try GymnasiumEnvironment(id: "CartPole-v1")
        _ = try env.reset(seed: 0)
        let pid = env.workerProcessID
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        XCTAssertThrowsError(try env.step(.discrete(0))) { error in
            guard case let GymBridgeError.workerDied(_, exit, _)? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertEqual(exit, .signaled(SIGKILL))
        }
        XCTAssertTrue(Self.isGone(pid))
    }

    // MARK: Lifetime

    func testCloseAndDeinitEndTheWorker() throws {
        try GymTestSupport.requireGymnasium()
        let closed = try GymnasiumEnvironment(id: "CartPole-v1")
        let closedPID = closed.workerProcessID
        XCTAssertFalse(Self.isGone(closedPID))
        closed.close()
        closed.close()
        XCTAssertTrue(Self.isGone(closedPID))
        XCTAssertThrowsError(try closed.reset(seed: 0)) { XCTAssertEqual($0 as? GymBridgeError, .closed(label: "CartPole-v1")) }

        var dropped: GymnasiumEnvironment? = try GymnasiumEnvironment(id: "CartPole-v1")
        let droppedPID = try XCTUnwrap(dropped?.workerProcessID)
        _ = try dropped?.reset(seed: 0)
        dropped = nil
        XCTAssertTrue(Self.isGone(droppedPID))
    }

    /// Ctrl-C at the terminal reaches SwiftRL's process group only; the worker, in a group of
    /// its own, also ignores SIGINT, and keeps answering until SwiftRL closes it.
    func testWorkerIsOutOfReachOfCtrlC() throws {
        try GymTestSupport.requireGymnasium()
        let env = try GymnasiumEnvironment(id: "CartPole-v1")
        defer { env.close() }
        let pid = env.workerProcessID
        XCTAssertEqual(getpgid(pid), pid, "the worker leads its own process group")
        XCTAssertNotEqual(getpgid(pid), getpgrp())
        _ = try env.reset(seed: 0)
        XCTAssertEqual(kill(pid, SIGINT), 0)
        usleep(100_000)
        XCTAssertEqual(try env.step(.discrete(0)).reward, 1)
    }

    /// When the process holding a worker dies, killed or by Ctrl-C, without closing
    /// anything, the worker sees its socket close and exits: no orphan keeps running. The
    /// holder is this test binary run again in helper mode.
    func testWorkerEndsWhenItsProcessDies() throws {
        try GymTestSupport.requireGymnasium()
        let python = try GymTestSupport.interpreterWithTestEnvironments()
        for signal in [SIGKILL, SIGINT] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = ["GymBridgeTests.GymBridgeFailureTests/testHelperHoldingAWorker"]
            var environment = ProcessInfo.processInfo.environment
            environment["SWIFTRL_GYM_HELPER_PYTHON"] = python
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Whatever fails below, the helper must not outlive the test.
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
            var text = ""
            let reader = output.fileHandleForReading
            func workerLine() -> Substring? {
                text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().first { $0.hasPrefix("WORKER_PID=") }
            }
            while workerLine() == nil {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            let pid = try XCTUnwrap(workerLine().flatMap { Int32($0.dropFirst(11)) }, "the helper printed no worker pid: \(text)")
            XCTAssertFalse(Self.isGone(pid))
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            let deadline = Date().addingTimeInterval(10)
            while !Self.isGone(pid), Date() < deadline { usleep(20_000) }
            XCTAssertTrue(Self.isGone(pid), "worker \(pid) outlived its process (signal \(signal))")
            if !Self.isGone(pid) { kill(pid, SIGKILL) }
        }
    }

    /// Not a test on its own: the process `testWorkerEndsWhenItsProcessDies` starts and kills.
    func testHelperHoldingAWorker() throws {
        guard let python = ProcessInfo.processInfo.environment["SWIFTRL_GYM_HELPER_PYTHON"] else {
            throw XCTSkip("runs only as the helper process of testWorkerEndsWhenItsProcessDies")
        }
        let env = try GymnasiumEnvironment(id: "swiftrl_test_envs:Faulty-v0", arguments: ["fail_at": 1_000_000], python: python)
        _ = try env.reset(seed: 0)
        FileHandle.standardOutput.write(Data("WORKER_PID=\(env.workerProcessID)\n".utf8))
        // Waits to be killed; gives up after a minute should the test that started it be gone.
        for _ in 0..<6_000 { _ = try env.step(.discrete(0)); usleep(10_000) }
    }

    /// Whether `pid` no longer runs: reaped, or a zombie waiting for a reaper other than us.
    static func isGone(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }
}
