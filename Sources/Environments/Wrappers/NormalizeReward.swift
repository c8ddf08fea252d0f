/// Scales rewards so that their discounted sum has roughly unit variance (Gymnasium's
/// `NormalizeReward`, gymnasium/wrappers/stateful_reward.py): each step updates a running
/// discounted return `G = G·gamma·(1 − terminated) + r`, its running variance, and returns
/// `r / sqrt(var(G) + epsilon)`. The mean is not subtracted (openai/baselines#538).
///
/// As in Gymnasium, `G` is carried across resets and only cut by termination (not
/// truncation); the statistics are float64 and match Gymnasium's to rounding.
public final class NormalizeReward: EnvironmentWrapper {
    public let wrapped: any Environment
    /// The discount of the running return.
    public let gamma: Double
    /// Added to the variance before the square root.
    public let epsilon: Double
    /// Whether rewards update the statistics; set false to freeze them for evaluation.
    public var updateRunningMean = true
    /// The statistics of the discounted return (Gymnasium's `return_rms`), one element;
    /// assign saved ones to restore them.
    public var returnRMS = RunningMeanStd(count: 1) {
        didSet { precondition(returnRMS.mean.count == 1, "NormalizeReward: return statistics must have one element") }
    }
    /// The running discounted return (Gymnasium's `discounted_reward`), part of the state to save.
    public var discountedReward = 0.0

    /// Wraps `env`; `gamma` must lie in [0, 1] and `epsilon` be positive (Gymnasium raises
    /// `InvalidBound` otherwise).
    public init(_ env: any Environment, gamma: Double = 0.99, epsilon: Double = 1e-8) {
        precondition((0...1).contains(gamma), "NormalizeReward: gamma must lie in [0, 1], got \(gamma)")
        precondition(epsilon > 0, "NormalizeReward: epsilon must be positive, got \(epsilon)")
        wrapped = env
        self.gamma = gamma
        self.epsilon = epsilon
    }

    public func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        discountedReward = discountedReward * gamma * (result.terminated ? 0 : 1) + result.reward
        if updateRunningMean {
            withUnsafePointer(to: discountedReward) { returnRMS.update(sample: UnsafeBufferPointer(start: $0, count: 1)) }
        }
        result.reward = result.reward / (returnRMS.variance[0] + epsilon).squareRoot()
        return result
    }
}
