/// A batch of transitions drawn from a replay buffer, as flat row-major arrays ready to wrap
/// as tensors (`Tensor(shape: [batchSize] + observationShape, scalars: batch.observations)`).
///
/// With n-step sampling each row is the n-step transition of Sutton & Barto (2018, eq. 7.1):
/// `rewards[i]` = Σ_{k<m} γ^k r_{t+k} over the m ≤ n steps taken before the episode ended or
/// the copy's collected steps ran out, `nextObservations[i]` the observation to bootstrap
/// from, and `discounts[i]` = γ^m, or 0 when the episode terminated within the m steps. A
/// learner's target is then `rewards + discounts · max_a Q(nextObservations, a)`.
public struct ReplayBatch: Sendable {
    /// Rows in the batch.
    public var batchSize: Int
    /// The shape of one observation.
    public var observationShape: [Int]
    /// `[batchSize × observationSize]` observations, as Float (bytes keep their 0–255 values).
    public var observations: [Float]
    /// `[batchSize]` discrete actions (empty for continuous actions).
    public var discreteActions: [Int32]
    /// `[batchSize × dimension]` continuous actions (empty for discrete actions).
    public var continuousActions: [Float]
    /// `[batchSize]` rewards, or discounted n-step sums.
    public var rewards: [Float]
    /// `[batchSize × observationSize]` observations to bootstrap from.
    public var nextObservations: [Float]
    /// `[batchSize]` whether the episode terminated within the row's steps (no bootstrapping).
    public var terminated: [Bool]
    /// `[batchSize]` whether the row's last step ended its episode by truncation.
    public var truncated: [Bool]
    /// `[batchSize]` the factor γ^m of the bootstrap value; 0 after termination.
    public var discounts: [Float]
    /// `[batchSize]` the number of steps m each row spans (1 for one-step sampling).
    public var steps: [Int32]
    /// `[batchSize]` the slots sampled, to pass back to
    /// ``PrioritizedReplayBuffer/updatePriorities(indices:tdErrors:)``.
    public var indices: [Int]
    /// `[batchSize]` importance-sampling weights: all 1 for uniform sampling, normalised
    /// (N·P(i))^−β for prioritized replay.
    public var weights: [Float]
}

/// A batch of trajectories of `numSteps` consecutive steps, each within one episode
/// (TF-Agents' `as_dataset(sample_batch_size:, num_steps:)`), as flat row-major arrays.
/// Only a trajectory's last step can end its episode.
public struct ReplayTrajectories: Sendable {
    /// Trajectories in the batch.
    public var batchSize: Int
    /// Steps per trajectory.
    public var numSteps: Int
    /// The shape of one observation.
    public var observationShape: [Int]
    /// `[batchSize × (numSteps + 1) × observationSize]`: each trajectory's observations
    /// before every step and the one after its last step (the final observation when the
    /// episode ended there).
    public var observations: [Float]
    /// `[batchSize × numSteps]` discrete actions (empty for continuous actions).
    public var discreteActions: [Int32]
    /// `[batchSize × numSteps × dimension]` continuous actions (empty for discrete actions).
    public var continuousActions: [Float]
    /// `[batchSize × numSteps]` rewards.
    public var rewards: [Float]
    /// `[batchSize × numSteps]` termination flags.
    public var terminated: [Bool]
    /// `[batchSize × numSteps]` truncation flags.
    public var truncated: [Bool]
    /// `[batchSize]` the slot of each trajectory's first step.
    public var indices: [Int]
}
