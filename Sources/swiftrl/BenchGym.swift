import ArgumentParser
import BenchmarkSuites
import Foundation
import SwiftRL

/// `swiftrl bench gym`: the Gymnasium bridge against Gymnasium itself, side by side in one
/// run: the same environment stepped in a plain Python loop, through one bridged worker, and
/// through several workers stepped together.
struct BenchGym: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gym",
        abstract: "Gymnasium bridge throughput against Gymnasium's own single-process loop.",
        discussion: """
            Random actions drawn before timing; resets after episode ends are timed. Lines: \
            "python" (gymnasium.make(id) stepped in a Python loop by the same interpreter, \
            the figure of shared/anchors/env_throughput.py), "bridge" (one GymnasiumEnvironment), \
            "bridge_shared_core" (the same with the thread and its worker pinned to one core, \
            share_core), and "bridge_vector" (N workers in a parallel SyncVectorEnvironment, steps \
            summed over copies). Needs Python with gymnasium (and ale-py for ALE ids).
            """
    )

    @Option(help: "The Gymnasium id.")
    var env = "ALE/Pong-v5"

    @Option(help: "Timed steps per run (per copy for vectors).")
    var steps = 10_000

    @Option(help: "Timed runs per measurement; the median is reported.")
    var repetitions = 3

    @Option(help: "Worker counts of the vector measurements, comma-separated.")
    var workers = "2"

    @Option(help: "The Python interpreter (default: SWIFTRL_PYTHON, else python3).")
    var python: String?

    @Option(help: "Append the JSON lines to this file as well.")
    var output: String?

    func validate() throws {
        guard steps >= 100 else { throw ValidationError("--steps must be at least 100") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
        _ = try workerCounts()
    }

    func workerCounts() throws -> [Int] {
        let parts = workers.split(separator: ",")
        let counts = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard counts.count == parts.count, counts.allSatisfy({ $0 >= 2 }) else {
            throw ValidationError("--workers '\(workers)' is not a comma-separated list of counts of at least 2, like 2,4")
        }
        return counts
    }

    func run() throws {
        let interpreter = python ?? GymnasiumEnvironment.defaultPython
        var lines: [JSONLine] = []
        let emit: (JSONLine) -> Void = { line in
            print(line.description)
            lines.append(line)
        }
        let reference = try pythonReference(interpreter: interpreter)
        let referenceMedian = Measurement(runs: reference).median
        /// A line of `kind` for the `rates` (steps per second) of its repetitions.
        func line(_ kind: String, _ rates: [Double]) -> JSONLine {
            var line = JSONLine("gym_bridge")
            line.add("env", env)
            line.add("kind", kind)
            line.add("sps_runs", rates, digits: 1)
            line.add("sps_median", Measurement(runs: rates).median, digits: 1)
            if kind != "python" { line.add("ratio_to_python", Measurement(runs: rates).median / referenceMedian) }
            return line
        }
        emit(line("python", reference))

        let single = try (0..<repetitions).map { repetition in
            let environment = try GymnasiumEnvironment(id: env, python: interpreter)
            defer { environment.close() }
            return try Self.timeSingle(environment, steps: steps, seed: UInt64(repetition))
        }
        emit(line("bridge", single))

        let shared = try Self.onOwnThread { [env, steps, repetitions] in
            try (0..<repetitions).map { repetition in
                let environment = try GymnasiumEnvironment(id: env, python: interpreter, sharesCallerCore: true)
                defer { environment.close() }
                return try Self.timeSingle(environment, steps: steps, seed: UInt64(repetition))
            }
        }
        emit(line("bridge_shared_core", shared))

        for count in try workerCounts() {
            var rates: [Double] = []
            for repetition in 0..<repetitions {
                let vector = try SyncVectorEnvironment(count: count, parallelism: .parallel(chunks: count)) { _ in
                    try GymnasiumEnvironment(id: env, python: interpreter)
                }
                defer { vector.close() }
                rates.append(try Self.timeVector(vector, steps: steps, seed: UInt64(repetition)))
            }
            var vectorLine = line("bridge_vector", rates)
            vectorLine.add("workers", count)
            vectorLine.add("speedup_over_one_worker", Measurement(runs: rates).median / Measurement(runs: single).median)
            emit(vectorLine)
        }
        if let output {
            if !FileManager.default.fileExists(atPath: output), !FileManager.default.createFile(atPath: output, contents: nil) {
                throw ValidationError("cannot create \(output): check that its directory exists and is writable")
            }
            let file = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            try file.seekToEnd()
            file.write(Data(lines.map { $0.description + "\n" }.joined().utf8))
            try file.close()
        }
    }

    /// Runs `body` on a new thread and waits for it: pinning that thread to a core
    /// (`sharesCallerCore`) must not pin this process's main thread.
    private static func onOwnThread<T>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let outcome = ThreadOutcome<T>()
        let done = DispatchSemaphore(value: 0)
        Thread {
            outcome.result = Result { try body() }
            done.signal()
        }.start()
        done.wait()
        return try outcome.result!.get()
    }

    private static func actions(for space: Space, count: Int, seed: UInt64) -> [Action] {
        var random = RandomGenerator(seed: seed)
        return (0..<count).map { _ in space.sample(using: &random) }
    }

    private static func timeSingle(_ environment: GymnasiumEnvironment, steps: Int, seed: UInt64) throws -> Double {
        let warmup = 200
        let plan = actions(for: environment.actionSpace, count: steps + warmup, seed: seed)
        _ = try environment.reset(seed: seed)
        func loop(_ range: Range<Int>) throws {
            for i in range where try environment.step(plan[i]).isDone {
                _ = try environment.reset()
            }
        }
        try loop(0..<warmup)
        let start = DispatchTime.now().uptimeNanoseconds
        try loop(warmup..<(warmup + steps))
        return Double(steps) / (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }

    private static func timeVector(_ vector: SyncVectorEnvironment, steps: Int, seed: UInt64) throws -> Double {
        let warmup = 100
        let plan = (0..<vector.count).map { actions(for: vector.singleActionSpace, count: steps + warmup, seed: seed &+ UInt64($0)) }
        _ = try vector.reset(seed: seed)
        func loop(_ range: Range<Int>) throws {
            for i in range { _ = try vector.step(plan.map { $0[i] }) }
        }
        try loop(0..<warmup)
        let start = DispatchTime.now().uptimeNanoseconds
        try loop(warmup..<(warmup + steps))
        return Double(steps * vector.count) / (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }

    /// Steps per second of `gymnasium.make(env)` in a plain Python loop, one per repetition.
    private func pythonReference(interpreter: String) throws -> [Double] {
        let script = """
            import json, sys, time
            import numpy as np
            import gymnasium as gym
            env_id, steps, repetitions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
            if env_id.startswith("ALE/") or "NoFrameskip" in env_id:
                import ale_py
                gym.register_envs(ale_py)
            rates = []
            for repetition in range(repetitions):
                env = gym.make(env_id)
                env.reset(seed=repetition)
                env.action_space.seed(repetition)
                actions = [env.action_space.sample() for _ in range(steps + 200)]
                def loop(lo, hi):
                    for i in range(lo, hi):
                        _, _, terminated, truncated, _ = env.step(actions[i])
                        if terminated or truncated:
                            env.reset()
                loop(0, 200)
                start = time.perf_counter()
                loop(200, 200 + steps)
                rates.append(steps / (time.perf_counter() - start))
                env.close()
            print(json.dumps(rates))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, "-c", script, env, String(steps), String(repetitions)]
        // The thread limits the bridge gives its workers, so both sides run alike.
        var environment = ProcessInfo.processInfo.environment
        for name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] where environment[name] == nil {
            environment[name] = "1"
        }
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let rates = try? JSONDecoder().decode([Double].self, from: data), rates.count == repetitions else {
            throw ValidationError("the Python reference loop failed (\(interpreter), \(env)): \(String(decoding: errors.suffix(2_000), as: UTF8.self))")
        }
        return rates
    }
}

/// The result a ``BenchGym`` helper thread hands back; written once before the semaphore
/// is signalled and read after it is waited on.
private final class ThreadOutcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
