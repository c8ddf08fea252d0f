/// Running mean, variance and count of a stream of arrays (Gymnasium's
/// `gymnasium.wrappers.utils.RunningMeanStd`), combined with Chan et al.'s parallel
/// algorithm (https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Parallel_algorithm).
///
/// Codable so that normalization statistics can be saved with a trained policy and restored
/// for evaluation: a policy trained on normalized observations is only valid with the same
/// statistics.
public struct RunningMeanStd: Codable, Sendable, Hashable {
    /// Per-element mean.
    public var mean: [Double]
    /// Per-element (population) variance.
    public var variance: [Double]
    /// The number of samples seen, starting from a small pseudo-count.
    public var count: Double

    /// Statistics of `count` elements before any sample: mean 0, variance 1 and a count of
    /// `epsilon` (Gymnasium's default 1e-4), so the first update nearly replaces them.
    public init(count elementCount: Int, epsilon: Double = 1e-4) {
        mean = Array(repeating: 0, count: elementCount)
        variance = Array(repeating: 1, count: elementCount)
        count = epsilon
    }

    /// Statistics with the given moments, e.g. loaded from a file.
    public init(mean: [Double], variance: [Double], count: Double) {
        precondition(mean.count == variance.count, "RunningMeanStd: \(mean.count) means but \(variance.count) variances")
        self.mean = mean
        self.variance = variance
        self.count = count
    }

    /// Adds one sample (a batch of one: batch mean = sample, batch variance 0).
    public mutating func update(_ sample: [Double]) {
        sample.withUnsafeBufferPointer { update(sample: $0) }
    }

    /// Adds one sample of float32 values.
    public mutating func update(_ sample: [Float]) {
        precondition(sample.count == mean.count, "RunningMeanStd: sample of \(sample.count) values, statistics of \(mean.count)")
        let total = count + 1
        for i in 0..<sample.count { combine(i, batchMean: Double(sample[i]), batchVariance: 0, batchCount: 1, total: total) }
        count = total
    }

    /// Adds one sample read from a buffer.
    public mutating func update(sample: UnsafeBufferPointer<Double>) {
        precondition(sample.count == mean.count, "RunningMeanStd: sample of \(sample.count) values, statistics of \(mean.count)")
        let total = count + 1
        for i in 0..<sample.count { combine(i, batchMean: sample[i], batchVariance: 0, batchCount: 1, total: total) }
        count = total
    }

    /// Adds a batch given by its moments (Gymnasium's `update_from_moments`).
    public mutating func update(batchMean: [Double], batchVariance: [Double], batchCount: Double) {
        precondition(batchMean.count == mean.count && batchVariance.count == mean.count,
                     "RunningMeanStd: batch moments of \(batchMean.count) values, statistics of \(mean.count)")
        let total = count + batchCount
        for i in 0..<mean.count {
            combine(i, batchMean: batchMean[i], batchVariance: batchVariance[i], batchCount: batchCount, total: total)
        }
        count = total
    }

    /// Gymnasium's `update_mean_var_count_from_moments` for element `i`, with its operation
    /// order so float64 results agree bit for bit.
    @inline(__always)
    private mutating func combine(_ i: Int, batchMean: Double, batchVariance: Double, batchCount: Double, total: Double) {
        let delta = batchMean - mean[i]
        mean[i] = mean[i] + delta * batchCount / total
        let m2 = variance[i] * count + batchVariance * batchCount + delta * delta * count * batchCount / total
        variance[i] = m2 / total
    }
}
