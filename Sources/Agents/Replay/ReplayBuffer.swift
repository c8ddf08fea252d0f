import Environments
import Networks
import Randomness

/// A preallocated ring buffer of transitions from one or several environment copies: the
/// experience replay of DQN (Mnih et al. 2015) and its descendants, fed by a ``Driver`` or
/// ``VectorDriver`` as one of their observers.
///
/// Each observation is stored once. A slot holds an observation and, once the copy has acted
/// on it, that step's action, reward, `terminated` and `truncated`; its next observation is
/// the slot the same copy wrote next, found through a stored link, so copies may interleave
/// freely in the ring. The final observation of an episode gets a slot of its own, flagged
/// as final, so a time-limit truncation bootstraps from the real last observation and never
/// from the next episode's first one. An episode of T steps thus takes T + 1 slots.
///
/// Observations keep their scalar type (UInt8 frames stay bytes, a quarter of the memory of
/// floats) in one flat contiguous array; with `frameStack` k > 1 the buffer receives the
/// `[k, …]` stacks of a ``Environments/FrameStack`` wrapper but keeps only each stack's newest
/// frame, and rebuilds stacks at sample time from the same episode's previous slots
/// (Dopamine's and SB3's memory optimisation): 1,000,000 Atari frames of 84×84 take 7 GB
/// instead of 28 GB.
///
/// Links are global write counts ("stamps") rather than slot numbers: the slot of stamp s is
/// `s % capacity`, and it still holds that content while `s ≥ written − capacity`. A link to
/// overwritten content is therefore recognised without bookkeeping, and because the next
/// observation is always written after its transition, a transition still in the ring always
/// has its next observation too.
///
/// Sampling takes the caller's generator (``sample(batchSize:nSteps:gamma:using:)``,
/// ``sampleTrajectories(batchSize:numSteps:using:)``), so the same seed draws the same batches.
public class ReplayBuffer: Observer {
    /// The number of slots (observations, including episodes' final ones).
    public let capacity: Int
    /// The shape of one observation as the environment gives it (with the stack axis first
    /// when `frameStack` > 1) and as batches return it.
    public let observationShape: [Int]
    /// The scalar type observations are stored in.
    public let observationType: ScalarType
    /// How actions are stored.
    public let actionLayout: ReplayActionLayout
    /// The number of frames in a stacked observation; 1 stores whole observations.
    public let frameStack: Int
    /// What a rebuilt stack holds before the episode's first frame.
    public let stackPadding: ReplayStackPadding

    /// Scalars of one observation as sampled.
    public let observationSize: Int
    /// Scalars stored per slot: one frame when stacking, else one observation.
    public let frameSize: Int

    // Storage, one entry (or one frame, one action vector) per slot.
    var byteObservations: [UInt8]
    var floatObservations: [Float]
    var discreteActions: [Int32]
    var continuousActions: [Float]
    var rewards: [Float]
    var terminatedFlags: [Bool]
    var truncatedFlags: [Bool]
    var kinds: [UInt8]
    var environmentIndices: [Int32]
    /// Stamp of the slot holding this step's next observation, or −1.
    var nextStamps: [Int64]
    /// Stamp of the previous observation of the same episode; −1 at an episode's start, −2
    /// when unknown (the buffer started observing mid-episode).
    var previousStamps: [Int64]

    /// Slots written so far (the next write's stamp).
    public internal(set) var written: Int64 = 0
    /// Complete transitions currently in the ring.
    public internal(set) var transitionCount = 0
    /// Transitions observed since the buffer was created (across restores): the step count
    /// that annealed hyperparameters such as prioritized replay's β follow.
    public internal(set) var observedTransitions = 0
    /// Each copy's latest observation, stored but not yet acted on.
    var pending: [Int: Int64] = [:]

    enum Kind {
        static let empty: UInt8 = 0
        static let transition: UInt8 = 1
        static let final: UInt8 = 2
        static let pending: UInt8 = 3
    }

    /// A buffer of `capacity` slots (at least 2) for observations of `observationShape` and
    /// `observationType`, and actions laid out as `actionLayout`. With `frameStack` k > 1,
    /// `observationShape` is the stacked shape `[k, …]` and only newest frames are stored.
    /// All storage is allocated here.
    public init(capacity: Int, observationShape: [Int], observationType: ScalarType = .float32,
                actionLayout: ReplayActionLayout = .discrete, frameStack: Int = 1,
                stackPadding: ReplayStackPadding = .reset) {
        precondition(capacity >= 2, "ReplayBuffer: capacity must be at least 2, got \(capacity)")
        precondition(frameStack >= 1, "ReplayBuffer: frameStack must be positive, got \(frameStack)")
        precondition(observationShape.allSatisfy { $0 > 0 }, "ReplayBuffer: invalid observation shape \(observationShape)")
        precondition(frameStack == 1 || observationShape.first == frameStack,
                     "ReplayBuffer: with frameStack \(frameStack) the observation shape must start with \(frameStack) (FrameStack's leading axis), got \(observationShape)")
        precondition(actionLayout.scalarCount > 0, "ReplayBuffer: continuous actions need a positive dimension")
        self.capacity = capacity
        self.observationShape = observationShape
        self.observationType = observationType
        self.actionLayout = actionLayout
        self.frameStack = frameStack
        self.stackPadding = stackPadding
        observationSize = observationShape.reduce(1, *)
        frameSize = observationSize / frameStack
        byteObservations = observationType == .uint8 ? Array(repeating: 0, count: capacity * frameSize) : []
        floatObservations = observationType == .float32 ? Array(repeating: 0, count: capacity * frameSize) : []
        if case let .continuous(dimension) = actionLayout {
            discreteActions = []
            continuousActions = Array(repeating: 0, count: capacity * dimension)
        } else {
            discreteActions = Array(repeating: 0, count: capacity)
            continuousActions = []
        }
        rewards = Array(repeating: 0, count: capacity)
        terminatedFlags = Array(repeating: false, count: capacity)
        truncatedFlags = Array(repeating: false, count: capacity)
        kinds = Array(repeating: Kind.empty, count: capacity)
        environmentIndices = Array(repeating: 0, count: capacity)
        nextStamps = Array(repeating: -1, count: capacity)
        previousStamps = Array(repeating: -1, count: capacity)
    }

    /// A buffer for an environment's spaces: a box or discrete observation space (a discrete
    /// observation is stored as one float) and a discrete or rank-1 float box action space.
    /// With `frameStack` k > 1 the observation space is FrameStack's `[k, …]` box.
    public convenience init(capacity: Int, observationSpace: Space, actionSpace: Space, frameStack: Int = 1,
                            stackPadding: ReplayStackPadding = .reset) throws {
        let shape: [Int], type: ScalarType
        switch observationSpace {
        case let .box(_, _, boxShape, scalarType):
            shape = boxShape.isEmpty ? [1] : boxShape
            type = scalarType
        case .discrete:
            shape = [1]
            type = .float32
        default:
            throw ReplayBufferError.unsupportedSpace("observation space \(observationSpace) is not stored; use a box or discrete space")
        }
        let layout: ReplayActionLayout
        switch actionSpace {
        case .discrete: layout = .discrete
        case let .box(_, _, boxShape, .float32) where boxShape.count == 1: layout = .continuous(dimension: boxShape[0])
        default:
            throw ReplayBufferError.unsupportedSpace("action space \(actionSpace) is not stored; use a discrete space or a rank-1 float box")
        }
        if frameStack > 1 && shape.first != frameStack {
            throw ReplayBufferError.unsupportedSpace("frameStack \(frameStack) needs FrameStack's [\(frameStack), …] observations, got shape \(shape)")
        }
        self.init(capacity: capacity, observationShape: shape, observationType: type, actionLayout: layout,
                  frameStack: frameStack, stackPadding: stackPadding)
    }

    /// Slots that hold something (observations of any kind).
    public var occupiedSlots: Int { Int(min(written, Int64(capacity))) }

    /// Bytes held by the storage arrays (observations, actions, rewards, flags and links).
    public var storageByteCount: Int {
        byteObservations.count + floatObservations.count * 4 + discreteActions.count * 4 + continuousActions.count * 4
            + rewards.count * 4 + terminatedFlags.count + truncatedFlags.count + kinds.count
            + environmentIndices.count * 4 + nextStamps.count * 8 + previousStamps.count * 8
    }

    // MARK: Stamps

    @inline(__always) func slot(_ stamp: Int64) -> Int { Int(stamp % Int64(capacity)) }

    /// Whether the content written with `stamp` is still in the ring.
    @inline(__always) func isAlive(_ stamp: Int64) -> Bool {
        stamp >= 0 && stamp < written && stamp >= written - Int64(capacity)
    }

    /// The stamp of what slot `index` holds now.
    @inline(__always) func stamp(ofSlot index: Int) -> Int64 {
        let cap = Int64(capacity), i = Int64(index)
        return i + cap * ((written - 1 - i) / cap)
    }

    // MARK: Observer

    public func observe(_ transition: Transition) throws {
        let copy = transition.environmentIndex
        try checkAction(transition.action)
        try checkObservation(transition.observation)
        try checkObservation(transition.nextObservation)
        var stamp: Int64
        // A pending observation is reused only if it survives the write of the next one.
        if let p = pending[copy], !transition.isFirst, p >= written + 1 - Int64(capacity) {
            stamp = p
        } else {
            abandon(copy: copy)
            stamp = writeObservation(transition.observation, previous: transition.isFirst ? -1 : -2, kind: Kind.pending)
        }
        pending[copy] = nil
        let index = slot(stamp)
        storeAction(transition.action, at: index)
        rewards[index] = Float(transition.reward)
        terminatedFlags[index] = transition.terminated
        truncatedFlags[index] = transition.truncated
        environmentIndices[index] = Int32(truncatingIfNeeded: copy)
        let next = writeObservation(transition.nextObservation, previous: stamp,
                                        kind: transition.isLast ? Kind.final : Kind.pending)
        nextStamps[index] = next
        kinds[index] = Kind.transition
        transitionCount += 1
        observedTransitions += 1
        if !transition.isLast { pending[copy] = next }
        didStoreTransition(at: index)
    }

    public func episodeStarted(environmentIndex: Int, observation: Observation) throws {
        abandon(copy: environmentIndex)
    }

    /// Marks a copy's pending observation final: its episode was abandoned, so the step
    /// before it ends there (n-step returns bootstrap from it, trajectories stop).
    private func abandon(copy: Int) {
        if let p = pending.removeValue(forKey: copy), isAlive(p), kinds[slot(p)] == Kind.pending {
            kinds[slot(p)] = Kind.final
        }
    }

    private func checkObservation(_ observation: Observation) throws {
        guard observation.scalarCount == observationSize else {
            throw ReplayBufferError.observationMismatch("an observation has \(observation.scalarCount) scalars (shape \(observation.shape)), the buffer stores \(observationSize) (shape \(observationShape))")
        }
        switch (observation, observationType) {
        case (.uint8, .uint8), (.float32, .float32), (.discrete, .float32), (.multiDiscrete, .float32): return
        default:
            throw ReplayBufferError.observationMismatch("a \(observation.shape) observation of another scalar type arrived, the buffer stores \(observationType.rawValue)")
        }
    }

    /// Writes an observation (its newest frame when stacking), already checked, into the next slot.
    private func writeObservation(_ observation: Observation, previous: Int64, kind: UInt8) -> Int64 {
        let stamp = written, index = slot(stamp)
        let offset = observationSize - frameSize, base = index * frameSize
        switch (observation, observationType) {
        case let (.uint8(values, _), .uint8):
            byteObservations.withUnsafeMutableBufferPointer { destination in
                values.withUnsafeBufferPointer { source in
                    (destination.baseAddress! + base).update(from: source.baseAddress! + offset, count: frameSize)
                }
            }
        case let (.float32(values, _), .float32):
            floatObservations.withUnsafeMutableBufferPointer { destination in
                values.withUnsafeBufferPointer { source in
                    (destination.baseAddress! + base).update(from: source.baseAddress! + offset, count: frameSize)
                }
            }
        case let (.discrete(value), .float32):
            floatObservations[base] = Float(value)
        case let (.multiDiscrete(values), .float32):
            for k in 0..<frameSize { floatObservations[base + k] = Float(values[offset + k]) }
        default:
            preconditionFailure("ReplayBuffer: observation type checked before writing")
        }
        willOverwrite(slot: index)
        if kinds[index] == Kind.transition { transitionCount -= 1 }
        kinds[index] = kind
        previousStamps[index] = previous
        nextStamps[index] = -1
        written += 1
        return stamp
    }

    private func checkAction(_ action: Action) throws {
        switch (actionLayout, action) {
        case (.discrete, .discrete): return
        case let (.continuous(dimension), .float32(values, _)) where values.count == dimension: return
        default:
            throw ReplayBufferError.actionMismatch("action \(action) does not fit the layout \(actionLayout)")
        }
    }

    private func storeAction(_ action: Action, at index: Int) {
        switch action {
        case let .discrete(value): discreteActions[index] = Int32(truncatingIfNeeded: value)
        case let .float32(values, _):
            let d = values.count
            for k in 0..<d { continuousActions[index * d + k] = values[k] }
        default: break
        }
    }

    // MARK: Hooks for prioritized replay

    /// The slots of a batch of `count` rows: uniform here, by priority in a subclass.
    func drawSlots(_ count: Int, using generator: inout RandomGenerator) throws -> [Int] {
        try uniformSlots(count, using: &generator)
    }

    /// The importance-sampling weights of sampled slots: 1 for uniform sampling.
    func importanceWeights(for slots: [Int]) -> [Float] {
        Array(repeating: 1, count: slots.count)
    }

    /// Called before slot `index` receives new content.
    func willOverwrite(slot index: Int) {}
    /// Called when slot `index` has become a complete transition.
    func didStoreTransition(at index: Int) {}

    /// Adds a subclass's own arrays and metadata to a saved buffer.
    func appendExtras(to file: inout SafeTensorsFile) throws {}
    /// Checks and restores a subclass's own state; throws before changing anything.
    func restoreExtras(from file: SafeTensorsFile) throws {}

    /// Forgets everything stored; counters of observed transitions are kept.
    public func removeAll() {
        for index in 0..<capacity where kinds[index] != Kind.empty { willOverwrite(slot: index) }
        for index in 0..<capacity { kinds[index] = Kind.empty }
        written = 0
        transitionCount = 0
        pending.removeAll()
    }
}
