/// The result of one ``VectorEnvironment/step(_:)``: one entry per copy, in copy order.
///
/// Copies whose episode ended in this step were reset in the same step (Gymnasium 0.29's
/// and Stable-Baselines3's same-step auto-reset): `observations[i]` is then the first
/// observation of the next episode, while `finalObservations[i]` holds the last observation
/// of the finished one, so a learner can bootstrap a truncated episode from the state it
/// really reached instead of from an unrelated reset state.
public struct VectorStep: Sendable {
    /// The observation each copy is in now (after any automatic reset).
    public var observations: [Observation]
    /// The reward of each copy's transition.
    public var rewards: [Double]
    /// Copies whose episode reached a terminal state in this step.
    public var terminated: [Bool]
    /// Copies whose episode was cut short (time limit) in this step.
    public var truncated: [Bool]
    /// For each copy whose episode ended in this step, the observation it ended in; nil for
    /// copies still in their episode (Gymnasium's `final_observation`, SB3's
    /// `terminal_observation`).
    public var finalObservations: [Observation?]
    /// For each copy whose episode ended, the info of its last step; nil otherwise.
    public var finalInfos: [Info?]
    /// Each copy's info: of the step, or of the reset for copies that were reset.
    public var infos: [Info]

    public init(observations: [Observation], rewards: [Double], terminated: [Bool], truncated: [Bool],
                finalObservations: [Observation?], finalInfos: [Info?], infos: [Info]) {
        self.observations = observations
        self.rewards = rewards
        self.terminated = terminated
        self.truncated = truncated
        self.finalObservations = finalObservations
        self.finalInfos = finalInfos
        self.infos = infos
    }

    /// Whether each copy's episode ended (either way) in this step.
    public var done: [Bool] { zip(terminated, truncated).map { $0 || $1 } }

    /// Every observation's scalars as Float, copy after copy (row i of an
    /// `[count, observationSize]` batch). Allocates; ``copyObservations(to:)`` does not.
    public var flatObservations: [Float] {
        let size = observations.first?.scalarCount ?? 0
        return [Float](unsafeUninitializedCapacity: observations.count * size) { buffer, initialized in
            copyObservations(to: buffer.baseAddress!)
            initialized = observations.count * size
        }
    }

    /// Writes every observation's scalars as Float to `destination`, copy after copy; it has
    /// room for `observations.count` times one observation's scalar count.
    public func copyObservations(to destination: UnsafeMutablePointer<Float>) {
        var offset = 0
        for observation in observations {
            observation.copyFloats(to: destination + offset)
            offset += observation.scalarCount
        }
    }
}

/// N copies of an environment stepped as one (Gymnasium's `VectorEnv`).
///
/// Seeding: `reset(seed: s)` seeds copy i with `s + i` (wrapping), Gymnasium's derivation,
/// so copy 0 of a vector environment reproduces a single environment reset with the same
/// seed and every copy follows a different trajectory. A reset without a seed continues each
/// copy's generator, except the very first one, which acts as `reset(seed: 0)`: copies
/// made with the same default seed would otherwise all be identical.
///
/// Episodes that end are reset automatically in the same step; see ``VectorStep``.
public protocol VectorEnvironment: AnyObject {
    /// The number of copies.
    var count: Int { get }
    /// The observation space of one copy.
    var singleObservationSpace: Space { get }
    /// The action space of one copy.
    var singleActionSpace: Space { get }
    /// The id of the environment the copies are instances of.
    var id: String { get }

    /// Starts a new episode in every copy; see the seeding rule above.
    func reset(seed: UInt64?) throws -> (observations: [Observation], infos: [Info])

    /// Applies `actions[i]` to copy i. Throws ``EnvironmentError/invalidAction(id:reason:)``,
    /// naming the copy, when the count is wrong or an action lies outside
    /// ``singleActionSpace``; no copy moves when it throws.
    func step(_ actions: [Action]) throws -> VectorStep

    /// Releases every copy's resources.
    func close()
}

extension VectorEnvironment {
    public func close() {}

    /// Validates the number of actions and each action before any copy moves, so that a bad
    /// batch leaves every copy where it was.
    func validate(_ actions: [Action]) throws {
        guard actions.count == count else {
            throw EnvironmentError.invalidAction(id: id, reason:
                "got \(actions.count) actions for \(count) copies; pass exactly one action per copy")
        }
        let space = singleActionSpace
        for (copy, action) in actions.enumerated() {
            if let reason = space.violation(of: action) {
                throw EnvironmentError.invalidAction(id: id, reason: "copy \(copy): \(reason)")
            }
        }
    }
}
