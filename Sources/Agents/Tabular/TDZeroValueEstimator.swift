import Environments

/// Tabular TD(0) prediction (Sutton & Barto, section 6.1, eq. 6.2): learns the state values
/// `V(s)` of whatever policy generates the transitions it observes, with
/// `V(s) ← V(s) + α_t [r + γ V(s') − V(s)]`, the next value left out after termination
/// (a truncation still bootstraps).
///
/// It is an ``Observer``: attach it to a ``Driver`` running the policy to evaluate (for a
/// ``TabularPolicy``, a ``StateIndexedPolicy``). The step size follows the power schedule
/// `α_t = α0 / (1 + t · decay)`, t the updates so far; `decay: 0` keeps it constant.
public final class TDZeroValueEstimator: Observer {
    /// Numbers the observations.
    public let indexer: TabularStateIndexer
    /// The discount factor γ.
    public let gamma: Double
    /// α0.
    public let learningRate: Double
    /// The power-scheduling decay of the step size.
    public let learningRateDecay: Double
    /// `V(s)`, one entry per observation row.
    public private(set) var values: [Double]
    /// Updates applied so far: the `t` of the step-size schedule.
    public private(set) var updates = 0

    /// An estimator for observations numbered by `indexer`, starting every value at
    /// `initialValue` (Sutton & Barto's random walk starts at 0.5).
    public init(indexer: TabularStateIndexer, gamma: Double, learningRate: Double, learningRateDecay: Double = 0,
                initialValue: Double = 0) {
        precondition(gamma >= 0 && gamma <= 1, "TDZeroValueEstimator: gamma must lie in [0, 1], got \(gamma)")
        precondition(learningRate > 0 && learningRate <= 1, "TDZeroValueEstimator: learningRate must lie in (0, 1], got \(learningRate)")
        precondition(learningRateDecay >= 0, "TDZeroValueEstimator: learningRateDecay must be non-negative, got \(learningRateDecay)")
        self.indexer = indexer
        self.gamma = gamma
        self.learningRate = learningRate
        self.learningRateDecay = learningRateDecay
        values = [Double](repeating: initialValue, count: indexer.stateCount)
    }

    /// An estimator over `environment`'s observations; throws
    /// ``TabularAgentError/notTabular(environment:reason:)`` when they cannot index a table.
    public convenience init(environment: any Environment, gamma: Double, learningRate: Double,
                            learningRateDecay: Double = 0, initialValue: Double = 0) throws {
        self.init(indexer: try TabularStateIndexer(environment: environment), gamma: gamma, learningRate: learningRate,
                  learningRateDecay: learningRateDecay, initialValue: initialValue)
    }

    /// α for the next update.
    public var currentLearningRate: Double { learningRate / (1 + Double(updates) * learningRateDecay) }

    /// Moves `V(s)` toward the one-step TD target of `transition`.
    public func observe(_ transition: Transition) throws {
        let s = try indexer.index(of: transition.observation)
        let next = try indexer.index(of: transition.nextObservation)
        let target = transition.reward + (transition.terminated ? 0 : gamma * values[next])
        values[s] += currentLearningRate * (target - values[s])
        updates += 1
    }
}
