import Agents
import Environments
import Foundation

/// A trained agent loaded back from a run directory or a checkpoint file, for evaluation:
/// the checkpoint carries the run's configuration, so the file alone is enough.
public struct TrainedAgent {
    public let agent: any Agent
    public let config: RunConfig
    public let context: RunContext

    /// Loads `url`: a run directory (its `checkpoint.safetensors`) or a checkpoint file.
    public static func load(_ url: URL, algorithms: AlgorithmRegistry = .shared,
                            environments: Registry = .shared) throws -> TrainedAgent {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw RunError.notARunDirectory(path: url.path, reason: "it does not exist; pass a run directory or its checkpoint.safetensors")
        }
        let checkpointURL = isDirectory.boolValue ? url.appendingPathComponent(TrainingRun.checkpointFileName) : url
        let checkpoint = try TrainingRun.readCheckpoint(checkpointURL)
        let config: RunConfig
        do {
            config = try checkpoint.decode(RunConfig.self, forKey: TrainingRun.MetadataKey.config)
        } catch {
            throw RunError.unreadableCheckpoint(path: checkpointURL.path, reason: "its configuration cannot be read (\(error))")
        }
        let context = RunContext(environmentID: config.env, environmentOptions: config.envOptions, seed: config.seed,
                                 registry: environments)
        let agent = try algorithms.entry(named: config.algorithm).makeAgent(config: config.agent, context: context)
        do {
            try agent.restore(from: checkpoint)
        } catch let error as AgentCheckpointError {
            throw RunError.unreadableCheckpoint(path: checkpointURL.path, reason: error.description)
        }
        return TrainedAgent(agent: agent, config: config, context: context)
    }
}
