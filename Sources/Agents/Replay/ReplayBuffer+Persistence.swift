import Environments
import Foundation
import Networks
import Tensors

/// The configuration and counters of a saved buffer, stored as JSON in the file's metadata.
struct ReplayBufferState: Codable, Equatable {
    var capacity: Int
    var observationShape: [Int]
    var observationType: ScalarType
    var actionLayout: ReplayActionLayout
    var frameStack: Int
    var stackPadding: ReplayStackPadding
    var written: Int64
    var transitionCount: Int
    var observedTransitions: Int
    /// [copy, stamp] pairs of the copies' pending observations.
    var pending: [[Int64]]
}

extension ReplayBuffer {
    static let stateKey = "replay_buffer"

    /// The buffer's whole contents and state as safetensors arrays (bytes stay U8, links I64)
    /// with JSON metadata; written next to an agent checkpoint, it lets training resume with
    /// the same replay contents. The arrays share storage with the buffer (copy on write), so
    /// building the file copies nothing but Float observations.
    public func safeTensorsFile() throws -> SafeTensorsFile {
        let cap = capacity, d = actionLayout.scalarCount
        var entries: [(name: String, value: SafeTensorsValue)] = []
        if observationType == .uint8 {
            entries.append(("observations", .uint8(shape: [cap, frameSize], scalars: byteObservations)))
        } else {
            entries.append(("observations", .float32(Tensor(shape: [cap, frameSize], scalars: floatObservations))))
        }
        if actionLayout == .discrete {
            entries.append(("actions", .int32(shape: [cap], scalars: discreteActions)))
        } else {
            entries.append(("actions", .float32(Tensor(shape: [cap, d], scalars: continuousActions))))
        }
        entries.append(("rewards", .float32(Tensor(shape: [cap], scalars: rewards))))
        entries.append(("terminated", .uint8(shape: [cap], scalars: terminatedFlags.map { $0 ? 1 : 0 })))
        entries.append(("truncated", .uint8(shape: [cap], scalars: truncatedFlags.map { $0 ? 1 : 0 })))
        entries.append(("kinds", .uint8(shape: [cap], scalars: kinds)))
        entries.append(("environment_indices", .int32(shape: [cap], scalars: environmentIndices)))
        entries.append(("next_stamps", .int64(shape: [cap], scalars: nextStamps)))
        entries.append(("previous_stamps", .int64(shape: [cap], scalars: previousStamps)))
        let state = ReplayBufferState(
            capacity: cap, observationShape: observationShape, observationType: observationType,
            actionLayout: actionLayout, frameStack: frameStack, stackPadding: stackPadding, written: written,
            transitionCount: transitionCount, observedTransitions: observedTransitions,
            pending: pending.sorted { $0.key < $1.key }.map { [Int64($0.key), $0.value] })
        var file = SafeTensorsFile(entries: entries, metadata: [Self.stateKey: try Self.json(state)])
        try appendExtras(to: &file)
        return file
    }

    /// Atomically writes ``safeTensorsFile()`` to `url`.
    public func write(to url: URL) throws {
        try safeTensorsFile().write(to: url)
    }

    /// Replaces the buffer's contents and state with a saved buffer's. Throws
    /// ``ReplayBufferError/invalidSavedState(_:)`` naming the difference when it was saved
    /// from a buffer of another configuration, and leaves this buffer unchanged then.
    public func restore(from file: SafeTensorsFile) throws {
        guard let text = file.metadata[Self.stateKey] else {
            throw ReplayBufferError.invalidSavedState("the file has no '\(Self.stateKey)' metadata; it is not a saved replay buffer")
        }
        let state: ReplayBufferState
        do { state = try JSONDecoder().decode(ReplayBufferState.self, from: Data(text.utf8)) } catch {
            throw ReplayBufferError.invalidSavedState("its metadata cannot be read (\(error))")
        }
        let mine = (capacity, observationShape, observationType, actionLayout, frameStack, stackPadding)
        guard state.capacity == mine.0, state.observationShape == mine.1, state.observationType == mine.2,
              state.actionLayout == mine.3, state.frameStack == mine.4, state.stackPadding == mine.5 else {
            throw ReplayBufferError.invalidSavedState(
                "it was saved with capacity \(state.capacity), observations \(state.observationShape) \(state.observationType.rawValue), actions \(state.actionLayout), frameStack \(state.frameStack), padding \(state.stackPadding.rawValue); this buffer has capacity \(capacity), observations \(observationShape) \(observationType.rawValue), actions \(actionLayout), frameStack \(frameStack), padding \(stackPadding.rawValue)")
        }
        let cap = capacity
        let observations = try Self.entry(file, "observations")
        let actions = try Self.entry(file, "actions")
        let newRewards = try Self.floats(file, "rewards", count: cap)
        let terminated = try Self.bytes(file, "terminated", count: cap)
        let truncated = try Self.bytes(file, "truncated", count: cap)
        let newKinds = try Self.bytes(file, "kinds", count: cap)
        guard case let .int32(_, indices) = try Self.entry(file, "environment_indices"), indices.count == cap,
              case let .int64(_, next) = try Self.entry(file, "next_stamps"), next.count == cap,
              case let .int64(_, previous) = try Self.entry(file, "previous_stamps"), previous.count == cap else {
            throw ReplayBufferError.invalidSavedState("its link arrays have the wrong type or length")
        }
        var newBytes: [UInt8] = [], newFloats: [Float] = []
        switch (observationType, observations) {
        case let (.uint8, .uint8(_, scalars)) where scalars.count == cap * frameSize: newBytes = scalars
        case let (.float32, .float32(tensor)) where tensor.count == cap * frameSize: newFloats = tensor.scalars
        default: throw ReplayBufferError.invalidSavedState("its observations have the wrong type or size")
        }
        var newDiscrete: [Int32] = [], newContinuous: [Float] = []
        switch (actionLayout, actions) {
        case let (.discrete, .int32(_, scalars)) where scalars.count == cap: newDiscrete = scalars
        case let (.continuous(d), .float32(tensor)) where tensor.count == cap * d: newContinuous = tensor.scalars
        default: throw ReplayBufferError.invalidSavedState("its actions have the wrong type or size")
        }
        try restoreExtras(from: file)
        byteObservations = newBytes
        floatObservations = newFloats
        discreteActions = newDiscrete
        continuousActions = newContinuous
        rewards = newRewards
        terminatedFlags = terminated.map { $0 != 0 }
        truncatedFlags = truncated.map { $0 != 0 }
        kinds = newKinds
        environmentIndices = indices
        nextStamps = next
        previousStamps = previous
        written = state.written
        transitionCount = state.transitionCount
        observedTransitions = state.observedTransitions
        pending = Dictionary(uniqueKeysWithValues: state.pending.map { (Int($0[0]), $0[1]) })
    }

    /// Reads a file written by ``write(to:)`` and restores it, as ``restore(from:)`` does for a file in memory.
    public func restore(from url: URL) throws {
        try restore(from: SafeTensorsFile(contentsOf: url))
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func entry(_ file: SafeTensorsFile, _ name: String) throws -> SafeTensorsValue {
        guard let value = file[name] else {
            throw ReplayBufferError.invalidSavedState("the array '\(name)' is missing; the file is incomplete")
        }
        return value
    }

    private static func floats(_ file: SafeTensorsFile, _ name: String, count: Int) throws -> [Float] {
        guard case let .float32(tensor) = try entry(file, name), tensor.count == count else {
            throw ReplayBufferError.invalidSavedState("the array '\(name)' is not \(count) F32 values")
        }
        return tensor.scalars
    }

    private static func bytes(_ file: SafeTensorsFile, _ name: String, count: Int) throws -> [UInt8] {
        guard case let .uint8(_, scalars) = try entry(file, name), scalars.count == count else {
            throw ReplayBufferError.invalidSavedState("the array '\(name)' is not \(count) U8 values")
        }
        return scalars
    }
}

extension AgentCheckpoint {
    /// The name of the replay buffer's attachment in off-policy agents' checkpoints.
    static let replayAttachment = "replay"

    /// Attaches `buffer`'s contents (``ReplayBuffer/safeTensorsFile()``) when `save` holds
    /// and the checkpoint is a full one: the `saveReplayBuffer` switch of DQN and SAC.
    mutating func attachReplayBuffer(_ buffer: ReplayBuffer, if save: Bool) throws {
        if save && !isPolicyOnly { attachments[Self.replayAttachment] = try buffer.safeTensorsFile() }
    }

    /// Refills `buffer` from the attachment ``attachReplayBuffer(_:if:)`` wrote; throws when a
    /// full checkpoint of an agent that saves its buffer lacks it.
    func restoreReplayBuffer(_ buffer: ReplayBuffer, if saved: Bool) throws {
        guard saved && !isPolicyOnly else { return }
        guard let file = attachments[Self.replayAttachment] else { throw AgentCheckpointError.missing("replay buffer attachment") }
        try buffer.restore(from: file)
    }
}
