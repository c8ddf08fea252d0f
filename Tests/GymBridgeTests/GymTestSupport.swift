import Foundation
import Synchronization
import GymBridge
import XCTest

/// Python set-ups for the bridge tests: what the interpreter has, and interpreters with
/// modules hidden or added (shell scripts that set PYTHONPATH and exec python3).
enum GymTestSupport {
    static let python = GymnasiumEnvironment.defaultPython
    private static let probes = Mutex<[String: Bool]>([:])

    /// Whether `python` imports every module in `modules`.
    static func pythonHas(_ modules: [String]) -> Bool {
        let key = modules.joined(separator: ",")
        if let known = probes.withLock({ $0[key] }) { return known }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", modules.map { "import \($0)" }.joined(separator: "; ")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var ok = false
        if (try? process.run()) != nil {
            process.waitUntilExit()
            ok = process.terminationStatus == 0
        }
        probes.withLock { $0[key] = ok }
        return ok
    }

    /// Skips unless Python has Gymnasium (and ale-py when `ale`): CI installs them.
    static func requireGymnasium(ale: Bool = false) throws {
        let modules = ["numpy", "gymnasium"] + (ale ? ["ale_py"] : [])
        guard pythonHas(modules) else {
            throw XCTSkip("the Gymnasium bridge tests need Python 3 with \(modules.joined(separator: ", ")): pip install gymnasium\(ale ? " ale-py" : "")")
        }
    }

    /// Runs `script` with `python`, giving it a file path as `sys.argv[1]`; returns what the
    /// script wrote to that file and what it printed. Fails the calling test when it exits
    /// with an error, showing its stderr.
    static func runPython(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> (output: Data, printed: String) {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("output.bin")
        let errorsPath = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errorsPath.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script, path.path]
        let printed = Pipe()
        process.standardOutput = printed
        // A file, not a second pipe: reading one pipe to its end while the other fills would block the script.
        process.standardError = try FileHandle(forWritingTo: errorsPath)
        try process.run()
        let stdout = printed.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = (try? Data(contentsOf: errorsPath)) ?? Data()
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: stderr, as: UTF8.self), file: file, line: line)
        return (try Data(contentsOf: path), String(decoding: stdout, as: UTF8.self))
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-gym-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// An interpreter that sees `files` (relative path → contents) first on its module path.
    static func interpreter(with files: [String: String]) throws -> String {
        let directory = try temporaryDirectory()
        for (path, contents) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: url, atomically: true, encoding: .utf8)
        }
        let launcher = directory.appendingPathComponent("python")
        let script = """
            #!/bin/sh
            PYTHONPATH='\(directory.path)'${PYTHONPATH:+:$PYTHONPATH} exec \(python) "$@"

            """
        try script.write(to: launcher, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: launcher.path)
        return launcher.path
    }

    /// An interpreter where importing `module` fails as if it were not installed.
    static func interpreter(hiding module: String) throws -> String {
        try interpreter(with: ["\(module)/__init__.py": "raise ModuleNotFoundError(\"No module named '\(module)'\", name='\(module)')\n"])
    }

    /// An interpreter with the test environments of `swiftrl_test_envs` registered.
    static func interpreterWithTestEnvironments() throws -> String {
        try interpreter(with: ["swiftrl_test_envs.py": testEnvironments])
    }

    /// Gymnasium environments for the tests: one per space kind, and ones that fail.
    static let testEnvironments = """
        import os
        import signal
        import sys

        import gymnasium as gym
        import numpy as np
        from gymnasium import spaces


        class Spaces(gym.Env):
            def __init__(self, kind="box64"):
                self.kind = kind
                if kind == "box64":
                    self.observation_space = spaces.Box(-2.0, np.array([1.0, 2.0, 3.0]), dtype=np.float64)
                    self.action_space = spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float64)
                elif kind == "multi_discrete":
                    self.observation_space = spaces.MultiDiscrete([3, 4], start=[1, -2])
                    self.action_space = spaces.MultiDiscrete([2, 5], start=[10, 0])
                elif kind == "multi_binary":
                    self.observation_space = spaces.MultiBinary(3)
                    self.action_space = spaces.MultiBinary([2, 2])
                elif kind == "discrete_start":
                    self.observation_space = spaces.Discrete(5, start=-2)
                    self.action_space = spaces.Discrete(3, start=1)
                elif kind == "image64":
                    self.observation_space = spaces.Box(0.0, 1.0, shape=(80, 80), dtype=np.float64)
                    self.action_space = spaces.Discrete(2)
                elif kind == "dict":
                    self.observation_space = spaces.Dict({"a": spaces.Box(0.0, 1.0, shape=(2,)), "b": spaces.Discrete(3)})
                    self.action_space = spaces.Discrete(2)
                self.t = 0

            def observe(self):
                if self.kind == "box64":
                    return np.array([0.5, 1.5, 2.5 + self.t], dtype=np.float64)
                if self.kind == "multi_discrete":
                    return np.array([1 + self.t % 3, -2 + self.t % 4])
                if self.kind == "multi_binary":
                    return np.array([1, 0, self.t % 2], dtype=np.int8)
                if self.kind == "discrete_start":
                    return -2 + self.t % 5
                if self.kind == "image64":
                    return (np.arange(6400, dtype=np.float64).reshape(80, 80) % 97 + self.t) / 128.0
                return {"a": np.array([0.25, 0.75], dtype=np.float32), "b": self.t % 3}

            def reset(self, seed=None, options=None):
                super().reset(seed=seed)
                self.t = 0
                return self.observe(), {"seed_draw": int(self.np_random.integers(1000)), "name": "text is left out"}

            def step(self, action):
                self.t += 1
                # The reward echoes the action as Python received it.
                reward = float(np.sum(np.ravel(action).astype(np.float64) * np.arange(1, np.size(action) + 1)))
                return self.observe(), reward, self.t >= 4, False, {"t": self.t, "half": self.t / 2, "flag": self.t % 2 == 0}


        class Faulty(gym.Env):
            observation_space = spaces.Box(0.0, 1.0, shape=(1,), dtype=np.float32)
            action_space = spaces.Discrete(2)

            def __init__(self, fail_at=3, how="raise"):
                self.fail_at = fail_at
                self.how = how
                self.t = 0

            def reset(self, seed=None, options=None):
                super().reset(seed=seed)
                self.t = 0
                print("stdout is not the protocol channel")
                return np.zeros(1, dtype=np.float32), {}

            def step(self, action):
                self.t += 1
                print("step", self.t, flush=True)
                if self.t == self.fail_at:
                    if self.how == "raise":
                        raise ValueError("the test environment fails at step %d" % self.t)
                    if self.how == "exit":
                        print("last words before exiting", file=sys.stderr, flush=True)
                        os._exit(3)
                    if self.how == "segfault":
                        os.kill(os.getpid(), signal.SIGSEGV)
                return np.full(1, 0.5, dtype=np.float32), 1.0, False, False, {}


        gym.register("Spaces-v0", entry_point=Spaces)
        gym.register("Faulty-v0", entry_point=Faulty)

        """
}
