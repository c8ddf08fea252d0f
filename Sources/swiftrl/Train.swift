import ArgumentParser
import Foundation
import SwiftRL

/// `swiftrl train ALGO --env ID`: trains, logs, checkpoints, evaluates, plots and records.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an agent and write a run directory (config, metrics.csv, TensorBoard events, checkpoint, learning curve, GIF).",
        discussion: """
            Algorithms: \(AlgorithmRegistry.shared.allEntries.map { "\n  \($0.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \($0.summary)" }.joined())

            Presets (--preset NAME): \(AlgorithmRegistry.shared.allEntries.flatMap { entry in entry.presets.map { "\n  \(entry.name) \($0.name)".padding(toLength: 28, withPad: " ", startingAt: 0) + " \($0.summary)" } }.joined())

            Configuration is layered: the algorithm's defaults, then a preset (--preset, or the one \
            tuned for --env), then --config FILE (JSON or YAML), \
            then each --set key=value (dotted keys: --set agent.learningRate=0.02), then --env, \
            --steps, --iterations and --seed. Misspelt keys are errors. The resolved configuration \
            is written to the run directory as config.json.

            Ctrl-C writes a checkpoint and stops; `swiftrl resume RUN_DIR` continues exactly.

            Examples:
              swiftrl train reinforce --env CartPole-v1
              swiftrl train reinforce --env CartPole-v1 --seeds 1..5
              swiftrl train dqn --env CartPole-v1 --preset textbook
              swiftrl train sac --env Pendulum-v1
              swiftrl train q-learning --env FrozenLake-v1 --steps 20000 --set agent.gamma=0.95
            """
    )

    @Argument(help: "The algorithm (listed above).")
    var algorithm: String

    @Option(help: "The environment id (see `swiftrl envs`).")
    var env: String?

    @Option(help: "Stop after this many environment steps.")
    var steps: Int?

    @Option(help: "Stop after this many training iterations.")
    var iterations: Int?

    @Option(help: "The seed of every random source (default 1).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Train once per seed, e.g. 1..5 or 1,2,7, and plot them together.", valueName: "seeds"))
    var seeds: String?

    @Option(help: "Published settings to start from (e.g. textbook, atari; listed above). Default: the ones tuned for --env, if any.")
    var preset: String?

    @Option(help: "A JSON or YAML configuration file.")
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one configuration key; repeatable.", valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .customLong("option"), help: ArgumentHelp("An environment option as key=value; repeatable.", valueName: "key=value"))
    var options: [String] = []

    @Option(help: ArgumentHelp("Evaluate every N environment steps during training and keep the best policy as best.safetensors.", valueName: "N"))
    var evalInterval: Int?

    @Option(help: "The directory run directories are made in (default: runs).")
    var runsDir: String?

    @Flag(help: "Do not record agent.gif at the end.")
    var noVideo = false

    @Flag(help: "Also record a GIF of the greedy agent at every checkpoint (videos/step-N.gif).")
    var checkpointVideos = false

    @Flag(help: "No progress bar.")
    var quiet = false

    func run() throws {
        let seedList = try seeds.map(Self.parseSeeds) ?? [seed ?? 1]
        if seeds != nil && seed != nil { throw ValidationError("give --seed or --seeds, not both") }
        let fileTree = try config.map { try RunConfig.loadFile(URL(fileURLWithPath: $0)) }
        var extra = overrides
        for option in options {
            guard let equals = option.firstIndex(of: "="), equals != option.startIndex else {
                throw ValidationError("--option '\(option)' is not key=value (for example --option is_slippery=false)")
            }
            extra.append("envOptions.\(option[..<equals])=\(jsonString(String(option[option.index(after: equals)...])))")
        }
        if let runsDir { extra.append("runsDirectory=\(jsonString(runsDir))") }
        if noVideo { extra.append("recordVideo=false") }
        if checkpointVideos { extra.append("checkpointVideos=true") }
        if let evalInterval { extra.append("evalInterval=\(evalInterval)") }
        InterruptSignal.install()
        var directories: [URL] = []
        let group: URL? = seedList.count > 1 ? try Self.groupDirectory(algorithm: algorithm, env: env, seeds: seedList, runsDir: runsDir) : nil
        for runSeed in seedList {
            let resolved = try AlgorithmRegistry.shared.resolve(
                algorithm: algorithm, env: env, file: fileTree, overrides: extra, preset: preset, seed: runSeed,
                totalSteps: steps, iterations: iterations)
            let run = try TrainingRun.start(resolved, directory: group?.appendingPathComponent("seed-\(runSeed)"))
            directories.append(run.directory)
            FileHandle.standardError.write(Data("run directory: \(run.directory.path)\n".utf8))
            let outcome = try Self.train(run, label: "\(resolved.algorithm) \(resolved.env) seed \(runSeed)", quiet: quiet)
            if outcome == .interrupted {
                FileHandle.standardError.write(Data("interrupted: checkpoint saved; continue with `swiftrl resume \(run.directory.path)`\n".utf8))
                throw ExitCode(130)
            }
            Self.printSummary(run: run, report: try run.finish())
        }
        if let group {
            let plots = try LearningCurveFiles.write(runs: directories, to: group)
            FileHandle.standardError.write(Data("learning curves of all seeds: \(plots.map(\.path).joined(separator: ", "))\n".utf8))
        }
    }

    /// Trains with a progress bar; shared with `resume`.
    static func train(_ run: TrainingRun, label: String, quiet: Bool) throws -> TrainingRun.Outcome {
        let bar = quiet ? nil : ProgressBar(label: label)
        var last: ProgressUpdate?
        let outcome = try run.train(progress: { update in
            last = update
            bar?.update(update)
        })
        // The final state always shows, however recently the bar was drawn.
        if let last { bar?.update(last, force: true) }
        bar?.finish()
        return outcome
    }

    /// `1..5`, `1...5`, `1,2,7`.
    static func parseSeeds(_ text: String) throws -> [UInt64] {
        let bad = ValidationError("--seeds '\(text)': write a range like 1..5 or a list like 1,2,7")
        for separator in ["...", ".."] {
            if let range = text.range(of: separator) {
                guard let low = UInt64(text[..<range.lowerBound]), let high = UInt64(text[range.upperBound...]), low <= high,
                      high - low < 1000 else { throw bad }
                return Array(low...high)
            }
        }
        let values = try text.split(separator: ",").map { part -> UInt64 in
            guard let value = UInt64(part.trimmingCharacters(in: .whitespaces)) else { throw bad }
            return value
        }
        guard !values.isEmpty, Set(values).count == values.count else { throw bad }
        return values
    }

    static func groupDirectory(algorithm: String, env: String?, seeds: [UInt64], runsDir: String?) throws -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let envName = String((env ?? "env").map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
        let name = "\(algorithm)-\(envName)-seeds\(seeds.first!)-\(seeds.last!)-\(formatter.string(from: Date()))"
        return URL(fileURLWithPath: runsDir ?? "runs", isDirectory: true).appendingPathComponent(name, isDirectory: true)
    }

    /// One JSON line: where the run is, how far it went, how its greedy policy scored.
    static func printSummary(run: TrainingRun, report: TrainingRun.Report) {
        var fields: [String] = ["\"run_dir\": \(jsonString(run.directory.path))",
                                "\"environment_steps\": \(run.agent.environmentSteps)",
                                "\"iterations\": \(run.agent.iterations)"]
        if let evaluation = report.evaluation {
            fields.append("\"eval_mean_return\": \(evaluation.meanReturn)")
            fields.append("\"eval_std_return\": \(evaluation.stdReturn)")
        }
        if let best = report.bestEvaluation {
            fields.append("\"best_eval_mean_return\": \(best.meanReturn)")
            fields.append("\"best_eval_step\": \(best.step)")
        }
        if let video = report.videoURL { fields.append("\"video\": \(jsonString(video.path))") }
        if !report.plotURLs.isEmpty { fields.append("\"learning_curve\": \(jsonString(report.plotURLs[0].path))") }
        if let reason = report.plotSkippedReason {
            FileHandle.standardError.write(Data("no learning curve: \(reason)\n".utf8))
        }
        print("{" + fields.joined(separator: ", ") + "}")
    }
}

/// `swiftrl resume RUN_DIR`: continues an interrupted run from its checkpoint.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue an interrupted run from its checkpoint, exactly as if it had not stopped."
    )

    @Argument(help: "The run directory `swiftrl train` printed.")
    var runDirectory: String

    @Flag(help: "Also record a GIF of the greedy agent at every checkpoint (videos/step-N.gif).")
    var checkpointVideos = false

    @Flag(help: "No progress bar.")
    var quiet = false

    func run() throws {
        InterruptSignal.install()
        let run = try TrainingRun.resume(URL(fileURLWithPath: runDirectory, isDirectory: true))
        if run.isComplete {
            FileHandle.standardError.write(Data("the run had already reached its budget; finishing it\n".utf8))
        }
        let outcome = try TrainCommand.train(run, label: "\(run.config.algorithm) \(run.config.env) seed \(run.config.seed)", quiet: quiet)
        if outcome == .interrupted {
            FileHandle.standardError.write(Data("interrupted: checkpoint saved; continue with `swiftrl resume \(run.directory.path)`\n".utf8))
            throw ExitCode(130)
        }
        TrainCommand.printSummary(run: run, report: try run.finish())
    }
}

/// `swiftrl eval RUN_DIR|CHECKPOINT`: evaluates a trained agent's greedy policy.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained agent: mean, std, min and max return as JSON; optionally record a GIF."
    )

    @Argument(help: "A run directory or a checkpoint.safetensors file.")
    var path: String

    @Option(help: "Episodes to run.")
    var episodes: Int = 10

    @Option(help: "The seed of the evaluation episodes.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Record one episode as an animated GIF here.", valueName: "out.gif"))
    var record: String?

    func validate() throws {
        guard episodes > 0 else { throw ValidationError("--episodes must be positive, got \(episodes)") }
    }

    func run() throws {
        let loaded = try TrainedAgent.load(URL(fileURLWithPath: path))
        let result = try Evaluation.evaluate(policy: loaded.agent.policy, environment: try loaded.context.makeEnvironment(),
                                             episodes: episodes, seed: seed)
        if let record {
            let environment = try loaded.context.makeEnvironment(renderMode: .rgbArray)
            try Evaluation.recordGIF(policy: loaded.agent.policy, environment: environment, seed: seed,
                                     to: URL(fileURLWithPath: record))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }
}
