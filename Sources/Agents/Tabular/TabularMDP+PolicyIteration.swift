import Environments

extension TabularMDP {
    /// Iterative policy evaluation (Sutton & Barto, eq. 4.5): synchronous sweeps of
    /// `V_{k+1}(s) = Σ_a π(a | s) Σ_{s'} T(s, a, s') [R(s, a, s') + γ V_k(s')]` from `V_0 = 0`,
    /// a terminating outcome contributing its reward only; the policy may be deterministic
    /// or stochastic.
    ///
    /// Stops after the first sweep that changes no value by more than `tolerance`, or after
    /// `maxIterations` sweeps; `tolerance: 0, maxIterations: h` gives the exact expected
    /// return of the first `h` steps (FrozenLake's success probability within its 100-step
    /// limit at `gamma: 1`, in ``PlanningResult/startValue``). The result's ``PlanningResult/policy``
    /// is greedy with respect to the evaluated values: the improved policy.
    ///
    /// The policy must give no probability to impossible actions of states that have
    /// possible ones; states without possible actions keep value 0.
    public func evaluatePolicy(_ policy: TabularPolicy, gamma: Double, tolerance: Double = 1e-10,
                               maxIterations: Int = 100_000) -> PlanningResult {
        checkPlanningArguments(gamma: gamma, tolerance: tolerance, maxIterations: maxIterations, caller: "evaluatePolicy")
        checkPolicy(policy)
        var values = [Double](repeating: 0, count: stateCount)
        let (sweeps, converged, residual) = evaluate(policy.probabilities, gamma: gamma, tolerance: tolerance,
                                                     maxIterations: maxIterations, values: &values)
        return planningResult(values: values, gamma: gamma, iterations: sweeps, sweeps: sweeps,
                              converged: converged, residual: residual)
    }

    /// Policy iteration (Sutton & Barto, section 4.3): evaluate the current deterministic
    /// policy (iterative evaluation to `tolerance`, warm-started from the previous values),
    /// make it greedy with respect to the values, and repeat until no state changes its
    /// action, or for at most `maxIterations` rounds.
    ///
    /// A state switches only when another action beats its current one by more than
    /// `tolerance`, so equally good actions do not make the policy cycle. The first policy
    /// is `initialPolicy`, or the lowest possible action in every state. With `gamma: 1`
    /// every policy met must end its episodes (or earn nothing forever), or its evaluation
    /// runs to `evaluationMaxIterations`; start from such a policy or use `gamma < 1`.
    /// The result's ``PlanningResult/policy`` is the final, stable policy.
    public func policyIteration(gamma: Double, tolerance: Double = 1e-10, maxIterations: Int = 1_000,
                                evaluationMaxIterations: Int = 100_000, initialPolicy: [Int]? = nil) -> PlanningResult {
        checkPlanningArguments(gamma: gamma, tolerance: tolerance, maxIterations: maxIterations, caller: "policyIteration")
        var policy = initialPolicy ?? (0..<stateCount).map { possibleActions(in: $0).first ?? 0 }
        precondition(policy.count == stateCount, "TabularMDP.policyIteration: initialPolicy has \(policy.count) entries for \(stateCount) states")
        var values = [Double](repeating: 0, count: stateCount)
        var rounds = 0, sweeps = 0, stable = false, residual = 0.0
        while rounds < maxIterations && !stable {
            let table = TabularPolicy(actions: policy, actionCount: actionCount)
            checkPolicy(table)
            let evaluation = evaluate(table.probabilities, gamma: gamma, tolerance: tolerance,
                                      maxIterations: evaluationMaxIterations, values: &values)
            sweeps += evaluation.sweeps
            residual = evaluation.residual
            rounds += 1
            stable = true
            for s in 0..<stateCount where !possibleActions(in: s).isEmpty {
                let current = actionValue(of: s, policy[s], values: values, gamma: gamma)
                var best = policy[s], bestValue = current
                for a in 0..<actionCount where !outcomes[s][a].isEmpty {
                    let value = actionValue(of: s, a, values: values, gamma: gamma)
                    if value > bestValue { (best, bestValue) = (a, value) }
                }
                if bestValue > current + tolerance {
                    policy[s] = best
                    stable = false
                }
            }
        }
        return planningResult(values: values, gamma: gamma, iterations: rounds, sweeps: sweeps,
                              converged: stable, residual: residual, policy: policy)
    }

    /// Sweeps the evaluation backup of `probabilities` over `values` in place (synchronously);
    /// returns the sweeps taken, whether they converged, and the last largest change.
    private func evaluate(_ probabilities: [[Double]], gamma: Double, tolerance: Double, maxIterations: Int,
                          values: inout [Double]) -> (sweeps: Int, converged: Bool, residual: Double) {
        var next = values
        var sweeps = 0, residual = 0.0
        while sweeps < maxIterations {
            residual = 0
            for s in 0..<stateCount {
                var total = 0.0
                for (a, p) in probabilities[s].enumerated() where p > 0 && !outcomes[s][a].isEmpty {
                    total += p * actionValue(of: s, a, values: values, gamma: gamma)
                }
                next[s] = total
                residual = max(residual, abs(total - values[s]))
            }
            swap(&values, &next)
            sweeps += 1
            if residual <= tolerance { return (sweeps, true, residual) }
        }
        return (sweeps, false, residual)
    }

    /// Stops with a message when `policy` does not fit the model or gives probability to an
    /// impossible action of a state that has possible ones.
    private func checkPolicy(_ policy: TabularPolicy) {
        precondition(policy.stateCount == stateCount && policy.actionCount == actionCount,
                     "TabularMDP: the policy is \(policy.stateCount) states × \(policy.actionCount) actions, the model \(stateCount) × \(actionCount)")
        for s in 0..<stateCount where !possibleActions(in: s).isEmpty {
            for a in 0..<actionCount where outcomes[s][a].isEmpty {
                precondition(policy.probabilities[s][a] == 0, "TabularMDP: the policy takes action \(a) in state \(s) with "
                    + "probability \(policy.probabilities[s][a]), but only \(possibleActions(in: s)) are possible there")
            }
        }
    }
}
