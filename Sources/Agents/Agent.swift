import Environments
import Foundation
import Networks
import Tensors

/// A learning algorithm as the run machinery (``Training``) drives it: it trains in
/// iterations, reports what each one did, and can be checkpointed between iterations.
///
/// An iteration is the algorithm's natural unit after which its state is consistent:
/// REINFORCE's batch of episodes and one update, a genetic algorithm's generation, a fixed
/// number of Q-learning steps. Checkpoints are taken only between iterations, which is what
/// makes a resumed run continue exactly as the uninterrupted one would have.
public protocol Agent: AnyObject {
    /// The algorithm's name on the command line (`reinforce`, `q-learning`, ...).
    static var algorithmName: String { get }
    /// The greedy policy, for evaluation.
    var policy: any Policy { get }
    /// The exploring policy that collects experience.
    var collectPolicy: any Policy { get }
    /// Environment steps consumed since training began (across resumes).
    var environmentSteps: Int { get }
    /// Iterations completed since training began (across resumes).
    var iterations: Int { get }
    /// Runs one iteration.
    func trainIteration() throws -> IterationReport
    /// Everything needed to continue training exactly where it stands.
    func checkpoint() throws -> AgentCheckpoint
    /// What acting needs, without large attachments such as a replay buffer
    /// (``AgentCheckpoint/isPolicyOnly``): a run's best policy so far.
    func policyCheckpoint() throws -> AgentCheckpoint
    /// Restores a checkpoint written by an agent of the same algorithm and configuration.
    /// Throws ``AgentCheckpointError`` naming what does not match.
    func restore(from checkpoint: AgentCheckpoint) throws
}

extension Agent {
    /// The full checkpoint less its attachments; agents with costly attachments skip
    /// building them instead.
    public func policyCheckpoint() throws -> AgentCheckpoint {
        var checkpoint = try self.checkpoint()
        checkpoint.attachments = [:]
        checkpoint.isPolicyOnly = true
        return checkpoint
    }
}

/// What one training iteration did.
public struct IterationReport: Sendable {
    /// Returns and lengths of the episodes the collect policy finished during the iteration.
    public var episodes: [EpisodeSummary]
    /// Losses and other per-iteration numbers under CleanRL-style keys (`losses/policy_loss`).
    public var scalars: [String: Double]

    public init(episodes: [EpisodeSummary] = [], scalars: [String: Double] = [:]) {
        self.episodes = episodes
        self.scalars = scalars
    }
}

/// One finished episode.
public struct EpisodeSummary: Sendable, Equatable, Codable {
    public var episodeReturn: Double
    public var length: Int
    public init(episodeReturn: Double, length: Int) {
        self.episodeReturn = episodeReturn
        self.length = length
    }
}

/// An agent's state: named tensors (weights, optimizer moments) and named strings (the JSON
/// of counters, generators and configuration). It maps one-to-one onto a safetensors file,
/// the strings going to its metadata, so one atomic file write saves it.
public struct AgentCheckpoint: Sendable {
    public var tensors: [(name: String, tensor: Tensor)]
    public var metadata: [String: String]
    /// Further files saved with the checkpoint, by name: state that is not Float32 or is
    /// large, such as a replay buffer. A run writes each beside its checkpoint file and
    /// records which belong to it, so a checkpoint and its attachments are always a pair.
    public var attachments: [String: SafeTensorsFile]

    public init(tensors: [(name: String, tensor: Tensor)] = [], metadata: [String: String] = [:],
                attachments: [String: SafeTensorsFile] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
        self.attachments = attachments
    }

    /// Whether this checkpoint holds only what acting needs (a run's `best.safetensors`):
    /// agents then restore without their large attachments (a replay buffer), and such a
    /// checkpoint can be evaluated but not resumed from.
    public var isPolicyOnly: Bool {
        get { metadata[Self.policyOnlyKey] == "1" }
        set { metadata[Self.policyOnlyKey] = newValue ? "1" : nil }
    }

    static let policyOnlyKey = "swiftrl.policy_only"

    /// The tensor called `name`, or an error naming it.
    public func tensor(named name: String) throws -> Tensor {
        guard let entry = tensors.first(where: { $0.name == name }) else {
            throw AgentCheckpointError.missing(name)
        }
        return entry.tensor
    }

    /// Stores `value` as JSON under `key`.
    public mutating func encode<T: Encodable>(_ value: T, forKey key: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Counters such as a best return start at -inf, which plain JSON cannot spell.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        metadata[key] = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON stored under `key`.
    public func decode<T: Decodable>(_ type: T.Type, forKey key: String) throws -> T {
        guard let text = metadata[key] else { throw AgentCheckpointError.missing(key) }
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw AgentCheckpointError.malformed(key: key, reason: "\(error)")
        }
    }
}

extension AgentCheckpoint {
    /// Appends every parameter of `module` as `<prefix><parameter name>`.
    public mutating func append(_ module: any Module, prefix: String) {
        for (name, parameter) in module.namedParameters { tensors.append((prefix + name, parameter.detachedValue)) }
    }

    /// Appends `optimizer`'s state (moments and step count) as `<prefix><state name>`.
    public mutating func append(_ optimizer: any Optimizer, prefix: String) {
        for (name, tensor) in optimizer.stateTensors() { tensors.append((prefix + name, tensor)) }
    }

    /// The tensors whose names start with `prefix`, with the prefix removed.
    public func tensors(withPrefix prefix: String) -> [(name: String, tensor: Tensor)] {
        tensors.filter { $0.name.hasPrefix(prefix) }.map { (String($0.name.dropFirst(prefix.count)), $0.tensor) }
    }

    /// Loads what ``append(_:prefix:)`` wrote: each module's weights from its prefix and the
    /// optimizer's state from `optimizerPrefix`. Any failure is an ``AgentCheckpointError``.
    public func load(_ modules: [(prefix: String, module: any Module)], optimizer: any Optimizer,
                     optimizerPrefix: String) throws {
        do {
            for (prefix, module) in modules {
                try module.load(from: SafeTensorsFile(entries: tensors(withPrefix: prefix).map { ($0.name, .float32($0.tensor)) }))
            }
            try optimizer.loadState(tensors(withPrefix: optimizerPrefix))
        } catch let error as AgentCheckpointError {
            throw error
        } catch {
            throw AgentCheckpointError.mismatch("\(error)")
        }
    }
}

/// Why a checkpoint cannot be restored into an agent.
public enum AgentCheckpointError: Error, Equatable, CustomStringConvertible {
    case missing(String)
    case malformed(key: String, reason: String)
    case mismatch(String)

    public var description: String {
        switch self {
        case let .missing(name):
            return "the checkpoint has no entry '\(name)'; it was not written by this algorithm or is incomplete"
        case let .malformed(key, reason):
            return "the checkpoint entry '\(key)' cannot be read (\(reason)); the file is damaged or from another version"
        case let .mismatch(reason):
            return "the checkpoint does not fit this agent: \(reason); resume with the configuration it was written with"
        }
    }
}
