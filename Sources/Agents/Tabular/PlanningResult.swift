/// What a planner computed for a ``TabularMDP``: state values, Q-values, the greedy policy,
/// and how the iteration ended.
public struct PlanningResult: Sendable, Equatable {
    /// V(s): the optimal values (value, Q-value and policy iteration) or the values of the
    /// evaluated policy (policy evaluation). States without possible actions have value 0.
    public var values: [Double]
    /// Q(s, a), the one-step look-ahead `Σ p · (r + γ · V(s'))` of ``values`` (the next
    /// state's value left out where the outcome terminates); −∞ for impossible actions,
    /// as in *Hands-On Machine Learning*'s `Q_values`.
    public var qValues: [[Double]]
    /// The action of largest Q-value in each state (lowest on ties; 0 where no action is
    /// possible). After policy evaluation this is the improved policy of the next policy-
    /// iteration step.
    public var policy: [Int]
    /// Sweeps over the state space for value, Q-value and policy evaluation; rounds of
    /// evaluation and improvement for policy iteration.
    public var iterations: Int
    /// Bellman sweeps in all (equal to ``iterations`` except for policy iteration, where it
    /// counts the sweeps of every evaluation).
    public var sweeps: Int
    /// Whether the last sweep changed no value by more than the tolerance (for policy
    /// iteration: whether the policy became stable) before the iteration limit.
    public var converged: Bool
    /// The largest change of the last sweep.
    public var residual: Double
    /// The expected return from the start, `Σ_s μ(s) · V(s)` over the MDP's initial-state
    /// distribution: the number to compare policies by.
    public var startValue: Double

    public init(values: [Double], qValues: [[Double]], policy: [Int], iterations: Int, sweeps: Int,
                converged: Bool, residual: Double, startValue: Double) {
        self.values = values
        self.qValues = qValues
        self.policy = policy
        self.iterations = iterations
        self.sweeps = sweeps
        self.converged = converged
        self.residual = residual
        self.startValue = startValue
    }

    /// ``policy`` as a deterministic ``TabularPolicy``.
    public var greedyPolicy: TabularPolicy {
        TabularPolicy(actions: policy, actionCount: qValues.first?.count ?? 1)
    }
}
