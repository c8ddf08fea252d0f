import Environments
import Networks
import Tensors

/// Standardises observations with running statistics, clipped to ±``clip``: the observation
/// half of Stable-Baselines3's `VecNormalize` (RL Zoo's `normalize: true`), as the first
/// layer of the networks rather than a wrapper around the environments.
///
/// Living in the network means every user of the policy (the collect policy, the greedy
/// policy in evaluation, a saved checkpoint) sees the same statistics, and the copies of a
/// vectorised run share one set, as VecNormalize's do. It has no trainable parameters; the
/// learner calls ``update(with:count:)`` between rollouts, so the log-probabilities recorded
/// while collecting a rollout are the ones its updates compare against.
public final class ObservationNormalization: Layer {
    /// The statistics of the observations seen (SB3's `obs_rms`).
    public private(set) var statistics: RunningMeanStd
    /// Normalised values are clipped to ±clip (SB3's `clip_obs`, 10).
    public let clip: Float
    /// Added to the variance before the square root (SB3's `epsilon`, 1e-8).
    public let epsilon: Double
    private var shift: [Float]
    private var scale: [Float]

    /// Statistics of `featureCount` features, starting at mean 0 and variance 1.
    public init(featureCount: Int, clip: Float = 10, epsilon: Double = 1e-8) {
        precondition(featureCount > 0 && clip > 0, "ObservationNormalization: featureCount and clip must be positive")
        statistics = RunningMeanStd(count: featureCount)
        self.clip = clip
        self.epsilon = epsilon
        shift = []
        scale = []
        refresh()
    }

    /// Adds `count` encoded observations (`count · featureCount` floats, row after row) as
    /// one batch, as VecNormalize adds each step's observations from all copies.
    public func update(with observations: UnsafeBufferPointer<Float>, count: Int) {
        let width = statistics.mean.count
        precondition(observations.count == count * width && count > 0,
                     "ObservationNormalization.update: \(observations.count) floats for \(count) rows of \(width)")
        var mean = [Double](repeating: 0, count: width), variance = [Double](repeating: 0, count: width)
        for row in 0..<count { for j in 0..<width { mean[j] += Double(observations[row * width + j]) } }
        for j in 0..<width { mean[j] /= Double(count) }
        for row in 0..<count {
            for j in 0..<width {
                let d = Double(observations[row * width + j]) - mean[j]
                variance[j] += d * d
            }
        }
        for j in 0..<width { variance[j] /= Double(count) }
        statistics.update(batchMean: mean, batchVariance: variance, batchCount: Double(count))
        refresh()
    }

    /// Replaces the statistics (restoring a checkpoint).
    public func setStatistics(_ newValue: RunningMeanStd) {
        precondition(newValue.mean.count == statistics.mean.count,
                     "ObservationNormalization: statistics of \(newValue.mean.count) features for \(statistics.mean.count)")
        statistics = newValue
        refresh()
    }

    private func refresh() {
        shift = statistics.mean.map(Float.init)
        scale = statistics.variance.map { Float(1 / ($0 + epsilon).squareRoot()) }
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.count % shift.count == 0 && input.shape.dropFirst().reduce(1, *) == shift.count,
                     "ObservationNormalization: input \(input.shape) does not hold rows of \(shift.count) features")
        let sampleShape = Array(input.shape.dropFirst())
        let mean = Tensor(shape: sampleShape, scalars: shift), inverse = Tensor(shape: sampleShape, scalars: scale)
        return ((input - mean) * inverse).clamped(min: -clip, max: clip)
    }

    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    public func infer(_ input: UnsafePointer<Float>, batch: Int, inputShape: [Int], into output: UnsafeMutablePointer<Float>) {
        let width = shift.count
        for row in 0..<batch {
            for j in 0..<width {
                let i = row * width + j
                output[i] = min(max((input[i] - shift[j]) * scale[j], -clip), clip)
            }
        }
    }
}

/// Scales rewards by the running standard deviation of the discounted return, clipped to
/// ±``clip``: the reward half of SB3's `VecNormalize` (the mean is not subtracted). It runs
/// on a filled ``RolloutBuffer`` in step order, so the statistics and the per-copy running
/// returns evolve exactly as VecNormalize's would while stepping; the episode returns the
/// run reports stay the environment's own.
public struct RewardNormalization: Codable, Sendable, Equatable {
    /// The discount of the running return (the learner's γ).
    public var gamma: Double
    /// The statistics of the discounted return (SB3's `ret_rms`).
    public var statistics = RunningMeanStd(count: 1)
    /// Each copy's running discounted return, reset when an episode ends.
    public var returns: [Double]
    public var clip: Double = 10
    public var epsilon: Double = 1e-8

    public init(gamma: Double, environmentCount: Int) {
        self.gamma = gamma
        returns = [Double](repeating: 0, count: environmentCount)
    }

    /// Normalises `rewards` (slot `t · E + e` for step t of copy e) in place.
    public mutating func normalize(rewards: inout [Float], terminated: [Bool], truncated: [Bool]) {
        let copies = returns.count
        precondition(rewards.count % copies == 0, "RewardNormalization: \(rewards.count) rewards for \(copies) copies")
        for t in 0..<(rewards.count / copies) {
            var mean = 0.0
            for e in 0..<copies {
                returns[e] = returns[e] * gamma + Double(rewards[t * copies + e])
                mean += returns[e]
            }
            mean /= Double(copies)
            let variance = returns.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(copies)
            statistics.update(batchMean: [mean], batchVariance: [variance], batchCount: Double(copies))
            let scale = 1 / (statistics.variance[0] + epsilon).squareRoot()
            for e in 0..<copies {
                let slot = t * copies + e
                rewards[slot] = Float(min(max(Double(rewards[slot]) * scale, -clip), clip))
                if terminated[slot] || truncated[slot] { returns[e] = 0 }
            }
        }
    }
}
