import Agents
import Environments
import Foundation
import Networks
import Tensors

/// A training run: an agent, its configuration, and its run directory
/// (`runs/<algorithm>-<env>-<seed>-<time>/`) holding
/// - `config.json`, the resolved configuration;
/// - `metrics.csv` and `events.out.tfevents.*` (TensorBoard), one row per iteration;
/// - `checkpoint.safetensors`: weights, optimizer state, counters and generators, written
///   atomically every `checkpointInterval` iterations, at the end, and on Ctrl-C;
/// - with `evalInterval`: `best.safetensors`, the policy of the best evaluation so far
///   (weights only: `swiftrl eval` reads it, `resume` does not);
/// - after ``finish()``: `evaluation.json`, `learning_curve.svg`/`.png`, and `agent.gif`.
///
/// ```swift
/// let config = try AlgorithmRegistry.shared.resolve(algorithm: "reinforce", env: "CartPole-v1")
/// let run = try TrainingRun.start(config)
/// try run.train()
/// let report = try run.finish()
/// ```
public final class TrainingRun {
    public static let configFileName = "config.json"
    public static let checkpointFileName = "checkpoint.safetensors"
    public static let bestCheckpointFileName = "best.safetensors"
    public static let metricsFileName = "metrics.csv"
    public static let evaluationFileName = "evaluation.json"
    public static let videoFileName = "agent.gif"
    /// Where ``RunConfig/checkpointVideos`` puts its GIFs.
    public static let videosDirectoryName = "videos"
    /// Episodes averaged by `charts/average_return` (Stable-Baselines3's `ep_rew_mean` window).
    public static let returnWindow = 100

    public let config: RunConfig
    public let directory: URL
    public let agent: any Agent
    public let context: RunContext
    private var state: RunState
    private var sinks: [any MetricsSink] = []
    private var evaluationEnvironment: (any Environment)?

    /// The counters a run keeps beside its agent's, saved in each checkpoint.
    struct RunState: Codable, Equatable {
        var episodes = 0
        var elapsedSeconds = 0.0
        var recentReturns: [Double] = []
        var recentLengths: [Int] = []
        var completed = false
        /// `environmentSteps / evalInterval` at the last evaluation during training.
        var lastEvaluationIndex: Int?
        var bestEvaluation: PeriodicEvaluation?
    }

    /// The best evaluation during training (see ``RunConfig/evalInterval``).
    public struct PeriodicEvaluation: Codable, Equatable, Sendable {
        /// Environment steps when it was taken.
        public var step: Int
        public var meanReturn: Double
    }

    /// The best evaluation during training so far, whose policy is in `best.safetensors`.
    public var bestEvaluation: PeriodicEvaluation? { state.bestEvaluation }

    /// How a call to ``train(progress:shouldStop:)`` ended.
    public enum Outcome: Sendable, Equatable {
        /// The budget was reached.
        case completed
        /// A stop was requested (Ctrl-C); a checkpoint was written, and `resume` continues.
        case interrupted
    }

    private init(config: RunConfig, directory: URL, agent: any Agent, context: RunContext, state: RunState) {
        self.config = config
        self.directory = directory
        self.agent = agent
        self.context = context
        self.state = state
    }

    // MARK: - Starting and resuming

    /// Starts a new run: builds the agent, creates the run directory (under
    /// `config.runsDirectory` unless `directory` is given) and writes `config.json`.
    public static func start(_ config: RunConfig, directory: URL? = nil, algorithms: AlgorithmRegistry = .shared,
                             environments: Registry = .shared) throws -> TrainingRun {
        try config.validate()
        let entry = try algorithms.entry(named: config.algorithm)
        let context = RunContext(environmentID: config.env, environmentOptions: config.envOptions, seed: config.seed,
                                 registry: environments)
        let agent = try entry.makeAgent(config: config.agent, context: context)
        let runDirectory = try directory ?? makeRunDirectory(for: config)
        try createDirectory(runDirectory)
        let run = TrainingRun(config: config, directory: runDirectory, agent: agent, context: context, state: RunState())
        try write(Data(try JSONValue(encoding: config).jsonText().utf8), to: runDirectory.appendingPathComponent(configFileName))
        run.sinks = try makeSinks(in: runDirectory, truncatingAfter: nil)
        return run
    }

    /// Reopens the run in `directory` at its checkpoint. Everything is read and checked
    /// before any file is touched: a missing or damaged config or checkpoint throws and
    /// leaves the directory as it was. Logs written after the checkpoint (by a run killed
    /// between checkpoints) are cut back to it, so the resumed run's logs read as one.
    public static func resume(_ directory: URL, algorithms: AlgorithmRegistry = .shared,
                              environments: Registry = .shared) throws -> TrainingRun {
        let path = directory.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunError.notARunDirectory(path: path, reason: "no such directory; pass the directory `swiftrl train` printed")
        }
        let configURL = directory.appendingPathComponent(configFileName)
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw RunError.notARunDirectory(path: path, reason: "it has no \(configFileName); it was not made by `swiftrl train`")
        }
        let configTree = try RunConfig.loadFile(configURL)
        let config: RunConfig
        do {
            config = try configTree.decode(RunConfig.self)
        } catch let error as DecodingError {
            throw RunConfigError.unreadableFile(path: configURL.path, reason: RunConfig.describe(error))
        }
        try config.validate()
        let checkpoint = try readCheckpoint(directory.appendingPathComponent(checkpointFileName))
        if checkpoint.isPolicyOnly {
            throw RunError.unreadableCheckpoint(path: directory.appendingPathComponent(checkpointFileName).path, reason:
                "it holds a policy only (like best.safetensors), not the state a run resumes from")
        }
        if let saved = checkpoint.metadata[MetadataKey.config] {
            let savedConfig = try? JSONDecoder().decode(RunConfig.self, from: Data(saved.utf8))
            if savedConfig != config {
                throw RunError.checkpointMismatch(path: directory.appendingPathComponent(checkpointFileName).path, reason:
                    "\(configFileName) was changed after the checkpoint was written; restore it or start a new run")
            }
        }
        let entry = try algorithms.entry(named: config.algorithm)
        let context = RunContext(environmentID: config.env, environmentOptions: config.envOptions, seed: config.seed,
                                 registry: environments)
        let agent = try entry.makeAgent(config: config.agent, context: context)
        let checkpointPath = directory.appendingPathComponent(checkpointFileName).path
        do {
            try agent.restore(from: checkpoint)
        } catch let error as AgentCheckpointError {
            throw RunError.unreadableCheckpoint(path: checkpointPath, reason: error.description)
        }
        let state: RunState
        do {
            state = try checkpoint.decode(RunState.self, forKey: MetadataKey.run)
        } catch {
            throw RunError.unreadableCheckpoint(path: checkpointPath, reason: "\(error)")
        }
        let run = TrainingRun(config: config, directory: directory, agent: agent, context: context, state: state)
        run.sinks = try makeSinks(in: directory, truncatingAfter: agent.environmentSteps)
        return run
    }

    enum MetadataKey {
        static let format = "swiftrl.format"
        static let run = "swiftrl.run"
        static let config = "swiftrl.config"
        static let algorithm = "swiftrl.algorithm"
        static let attachments = "swiftrl.attachments"
    }

    /// Reads a checkpoint file written by ``saveCheckpoint()``.
    public static func readCheckpoint(_ url: URL) throws -> AgentCheckpoint {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw RunError.unreadableCheckpoint(path: url.path, reason:
                "the file does not exist; the run was interrupted before its first checkpoint, so start it again with `swiftrl train`")
        }
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            throw RunError.unreadableCheckpoint(path: url.path, reason: "\(error)")
        }
        guard file.metadata[MetadataKey.format] == "1" else {
            throw RunError.unreadableCheckpoint(path: url.path, reason: "it is a safetensors file but not a SwiftRL run checkpoint")
        }
        var tensors: [(name: String, tensor: Tensor)] = []
        for (name, value) in file.entries {
            guard let tensor = value.tensor else {
                throw RunError.unreadableCheckpoint(path: url.path, reason: "tensor '\(name)' is \(value.dtype), not F32")
            }
            tensors.append((name, tensor))
        }
        var checkpoint = AgentCheckpoint(tensors: tensors, metadata: file.metadata)
        if file.metadata[MetadataKey.attachments] != nil {
            let names: [String: String]
            do {
                names = try checkpoint.decode([String: String].self, forKey: MetadataKey.attachments)
            } catch {
                throw RunError.unreadableCheckpoint(path: url.path, reason: "its list of attached files is damaged (\(error))")
            }
            for (name, fileName) in names {
                let attachmentURL = url.deletingLastPathComponent().appendingPathComponent(fileName)
                do {
                    checkpoint.attachments[name] = try SafeTensorsFile(contentsOf: attachmentURL)
                } catch {
                    throw RunError.unreadableCheckpoint(path: url.path, reason:
                        "its attached \(name) file \(fileName) cannot be read (\(error)); keep it beside the checkpoint")
                }
            }
        }
        return checkpoint
    }

    // MARK: - Training

    /// Whether the configured budget has been reached.
    public var isComplete: Bool {
        if let iterations = config.iterations, agent.iterations >= iterations { return true }
        if let totalSteps = config.totalSteps, agent.environmentSteps >= totalSteps { return true }
        return false
    }

    /// Mean return of the last ``returnWindow`` training episodes; nil before the first.
    public var averageReturn: Double? {
        state.recentReturns.isEmpty ? nil : state.recentReturns.reduce(0, +) / Double(state.recentReturns.count)
    }

    /// Trains until the budget is reached or `shouldStop` returns true (checked between
    /// iterations; by default, whether Ctrl-C was pressed). Writes a checkpoint every
    /// `checkpointInterval` iterations and when it returns.
    @discardableResult
    public func train(progress: ((ProgressUpdate) -> Void)? = nil,
                      shouldStop: () -> Bool = { InterruptSignal.isRequested }) throws -> Outcome {
        let sessionStart = monotonicSeconds()
        let elapsedBefore = state.elapsedSeconds
        let stepsBefore = agent.environmentSteps
        func update() -> ProgressUpdate {
            let sessionSeconds = monotonicSeconds() - sessionStart
            return ProgressUpdate(
                environmentSteps: agent.environmentSteps, totalSteps: config.totalSteps, iterations: agent.iterations,
                totalIterations: config.iterations,
                stepsPerSecond: sessionSeconds > 0 ? Double(agent.environmentSteps - stepsBefore) / sessionSeconds : 0,
                elapsedSeconds: elapsedBefore + sessionSeconds, averageReturn: averageReturn)
        }
        while !isComplete {
            if shouldStop() {
                state.elapsedSeconds = elapsedBefore + monotonicSeconds() - sessionStart
                try saveCheckpoint()
                progress?(update())
                return .interrupted
            }
            let report = try agent.trainIteration()
            state.elapsedSeconds = elapsedBefore + monotonicSeconds() - sessionStart
            try record(report, stepsPerSecond: update().stepsPerSecond)
            try evaluateIfDue()
            progress?(update())
            if agent.iterations % config.checkpointInterval == 0 && !isComplete {
                try saveCheckpoint()
                if config.checkpointVideos { try recordCheckpointVideo() }
            }
        }
        state.completed = true
        try saveCheckpoint()
        progress?(update())
        return .completed
    }

    /// `videos/step-<environment steps>.gif`: one greedy episode at this checkpoint. Skipped
    /// when the environment cannot render, as `agent.gif` is.
    private func recordCheckpointVideo() throws {
        guard let environment = try? context.makeEnvironment(renderMode: .rgbArray) else { return }
        defer { environment.close() }
        let folder = directory.appendingPathComponent(Self.videosDirectoryName)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw RunError.cannotWrite(path: folder.path, reason: error.localizedDescription)
        }
        let url = folder.appendingPathComponent("step-\(agent.environmentSteps).gif")
        try Evaluation.recordGIF(policy: agent.policy, environment: environment,
                                 seed: config.seed &+ 2_000_003 &+ UInt64(agent.iterations), to: url)
    }

    /// Logs one iteration: the episodes it finished and the agent's scalars.
    private func record(_ report: IterationReport, stepsPerSecond: Double) throws {
        for episode in report.episodes {
            state.episodes += 1
            state.recentReturns.append(episode.episodeReturn)
            state.recentLengths.append(episode.length)
        }
        if state.recentReturns.count > Self.returnWindow {
            state.recentReturns.removeFirst(state.recentReturns.count - Self.returnWindow)
            state.recentLengths.removeFirst(state.recentLengths.count - Self.returnWindow)
        }
        var scalars = report.scalars
        scalars["charts/iteration"] = Double(agent.iterations)
        scalars["charts/episodes"] = Double(state.episodes)
        scalars["charts/SPS"] = stepsPerSecond
        if !report.episodes.isEmpty {
            scalars["charts/episodic_return"] = report.episodes.map(\.episodeReturn).reduce(0, +) / Double(report.episodes.count)
            scalars["charts/episodic_length"] = Double(report.episodes.map(\.length).reduce(0, +)) / Double(report.episodes.count)
        }
        if let averageReturn { scalars["charts/average_return"] = averageReturn }
        for sink in sinks { try sink.log(step: agent.environmentSteps, wallTime: state.elapsedSeconds, scalars: scalars) }
    }

    /// Evaluates the greedy policy once each `evalInterval` environment steps have passed
    /// (at the end of the iteration that crosses the mark), logs `eval/mean_return`,
    /// `eval/std_return` and `eval/mean_length`, and writes `best.safetensors` on a new best.
    private func evaluateIfDue() throws {
        guard let interval = config.evalInterval else { return }
        let index = agent.environmentSteps / interval
        guard index > (state.lastEvaluationIndex ?? 0) else { return }
        state.lastEvaluationIndex = index
        let environment = try evaluationEnvironment ?? context.makeEnvironment()
        evaluationEnvironment = environment
        // Each evaluation plays its own episodes, so the best is not picked on one fixed set of starts.
        let result = try Evaluation.evaluate(policy: agent.policy, environment: environment,
                                             episodes: config.evalIntervalEpisodes,
                                             seed: Driver.episodeSeed(base: config.seed &+ 3_000_017, copy: 0, episode: index))
        let scalars = ["eval/mean_return": result.meanReturn, "eval/std_return": result.stdReturn,
                       "eval/mean_length": result.meanLength]
        for sink in sinks { try sink.log(step: agent.environmentSteps, wallTime: state.elapsedSeconds, scalars: scalars) }
        if result.meanReturn > state.bestEvaluation?.meanReturn ?? -.infinity {
            state.bestEvaluation = PeriodicEvaluation(step: agent.environmentSteps, meanReturn: result.meanReturn)
            try writeCheckpoint(policyOnly: true)
        }
    }

    /// Writes `checkpoint.safetensors` atomically (after flushing the logs, so they never lag
    /// behind a checkpoint).
    public func saveCheckpoint() throws {
        for sink in sinks { try sink.flush() }
        try writeCheckpoint(policyOnly: false)
    }

    /// `checkpoint.safetensors`, or with `policyOnly` `best.safetensors` without attachments.
    private func writeCheckpoint(policyOnly: Bool) throws {
        var checkpoint = policyOnly ? try agent.policyCheckpoint() : try agent.checkpoint()
        checkpoint.metadata[MetadataKey.format] = "1"
        checkpoint.metadata[MetadataKey.algorithm] = config.algorithm
        try checkpoint.encode(state, forKey: MetadataKey.run)
        try checkpoint.encode(config, forKey: MetadataKey.config)
        if policyOnly {
            let url = directory.appendingPathComponent(Self.bestCheckpointFileName)
            do {
                try SafeTensorsFile.write(checkpoint.tensors, metadata: checkpoint.metadata, to: url)
            } catch {
                throw RunError.cannotWrite(path: url.path, reason: "\(error)")
            }
            return
        }
        let url = directory.appendingPathComponent(Self.checkpointFileName)
        // Attachments go first, under names unique to this checkpoint; the checkpoint that
        // names them is written last, so an interruption anywhere leaves the previous pair whole.
        let id = String(UUID().uuidString.prefix(8)).lowercased()
        var attachmentFiles: [String: String] = [:]
        for (name, file) in checkpoint.attachments.sorted(by: { $0.key < $1.key }) {
            let fileName = "checkpoint.\(name).\(id).safetensors"
            let attachmentURL = directory.appendingPathComponent(fileName)
            do {
                try file.write(to: attachmentURL)
            } catch {
                throw RunError.cannotWrite(path: attachmentURL.path, reason: "\(error)")
            }
            attachmentFiles[name] = fileName
        }
        if !attachmentFiles.isEmpty { try checkpoint.encode(attachmentFiles, forKey: MetadataKey.attachments) }
        do {
            try SafeTensorsFile.write(checkpoint.tensors, metadata: checkpoint.metadata, to: url)
        } catch {
            throw RunError.cannotWrite(path: url.path, reason: "\(error)")
        }
        // Attachments of earlier checkpoints are no longer referenced.
        let kept = Set(attachmentFiles.values)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        where name.hasPrefix("checkpoint.") && name.hasSuffix(".safetensors") && name != Self.checkpointFileName && !kept.contains(name) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    // MARK: - Finishing

    /// What ``finish()`` produced.
    public struct Report: Sendable {
        public var evaluation: EvaluationResult?
        /// The best evaluation during training, with `evalInterval`.
        public var bestEvaluation: PeriodicEvaluation?
        public var videoURL: URL?
        public var plotURLs: [URL]
        /// Why no learning curve was drawn (no episode finished during training), or nil.
        public var plotSkippedReason: String?
    }

    /// Closes the logs, then evaluates the greedy policy (`evalEpisodes`), records
    /// `agent.gif` (when the environment renders) and draws the learning curve.
    @discardableResult
    public func finish() throws -> Report {
        for sink in sinks { try sink.close() }
        sinks = []
        var report = Report(evaluation: nil, bestEvaluation: state.bestEvaluation, videoURL: nil, plotURLs: [],
                            plotSkippedReason: nil)
        if config.evalEpisodes > 0 {
            let evaluation = try Evaluation.evaluate(policy: agent.policy, environment: try context.makeEnvironment(),
                                                     episodes: config.evalEpisodes, seed: config.seed &+ 1_000_003)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try Self.write(try encoder.encode(evaluation), to: directory.appendingPathComponent(Self.evaluationFileName))
            report.evaluation = evaluation
        }
        if config.recordVideo, let environment = try? context.makeEnvironment(renderMode: .rgbArray) {
            let url = directory.appendingPathComponent(Self.videoFileName)
            try Evaluation.recordGIF(policy: agent.policy, environment: environment, seed: config.seed &+ 2_000_003, to: url)
            report.videoURL = url
        }
        do {
            report.plotURLs = try Self.plotLearningCurve(runs: [directory], to: directory)
        } catch let error as LearningCurveError {
            // A run whose episodes never ended within an iteration has no returns to plot;
            // the rest of the run is still good.
            report.plotSkippedReason = error.description
        }
        return report
    }

    // MARK: - Files

    /// `runs/<algorithm>-<env>-<seed>-<yyyyMMdd-HHmmss>`, with a numeric suffix if taken.
    static func makeRunDirectory(for config: RunConfig) throws -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let env = config.env.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }
        let base = "\(config.algorithm)-\(String(env))-\(config.seed)-\(formatter.string(from: Date()))"
        let parent = URL(fileURLWithPath: config.runsDirectory, isDirectory: true)
        var candidate = parent.appendingPathComponent(base, isDirectory: true)
        var suffix = 2
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = parent.appendingPathComponent("\(base)-\(suffix)", isDirectory: true)
            suffix += 1
        }
        return candidate
    }

    static func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw RunError.cannotWrite(path: url.path, reason: "the directory cannot be created (\(error.localizedDescription))")
        }
    }

    static func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw RunError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }
}
