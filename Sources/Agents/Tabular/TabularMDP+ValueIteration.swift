import Environments

extension TabularMDP {
    /// Value iteration (Sutton & Barto, eq. 4.10; Géron, ch. 18, eq. 18-2): synchronous sweeps
    /// of the Bellman optimality backup `V_{k+1}(s) = max_a Σ_{s'} T(s, a, s') [R(s, a, s') + γ V_k(s')]`
    /// from `V_0 = 0`, where a terminating outcome contributes its reward only.
    ///
    /// Stops after the first sweep that changes no value by more than `tolerance`, or after
    /// `maxIterations` sweeps. With `tolerance: 0` and `maxIterations: h` it computes the
    /// optimal `h`-step values exactly (the best success probability within `h` steps for
    /// FrozenLake at `gamma: 1`). With `gamma: 1` the sweeps converge when every policy
    /// ends its episodes or earns nothing forever (FrozenLake, CliffWalking); otherwise the
    /// limit stops them.
    public func valueIteration(gamma: Double, tolerance: Double = 1e-10, maxIterations: Int = 100_000) -> PlanningResult {
        checkPlanningArguments(gamma: gamma, tolerance: tolerance, maxIterations: maxIterations, caller: "valueIteration")
        var values = [Double](repeating: 0, count: stateCount)
        var next = values
        var iterations = 0, residual = 0.0, converged = false
        while iterations < maxIterations {
            residual = 0
            for s in 0..<stateCount {
                var best = -Double.infinity
                for a in 0..<actionCount where !outcomes[s][a].isEmpty {
                    best = max(best, actionValue(of: s, a, values: values, gamma: gamma))
                }
                next[s] = best == -.infinity ? 0 : best
                residual = max(residual, abs(next[s] - values[s]))
            }
            swap(&values, &next)
            iterations += 1
            if residual <= tolerance {
                converged = true
                break
            }
        }
        return planningResult(values: values, gamma: gamma, iterations: iterations, sweeps: iterations,
                              converged: converged, residual: residual)
    }

    /// Q-value iteration, the loop of *Hands-On Machine Learning* (ch. 18, eq. 18-3):
    /// `Q_{k+1}(s, a) = Σ_{s'} T(s, a, s') [R(s, a, s') + γ max_{a'} Q_k(s', a')]` for every
    /// possible action, from `Q_0 = 0` there and −∞ for impossible actions; a terminating
    /// outcome does not bootstrap. Synchronous sweeps, as the book's `Q_prev = Q_values.copy()`.
    ///
    /// Stops after the first sweep that changes no Q-value by more than `tolerance`, or after
    /// `maxIterations` sweeps: `tolerance: 0, maxIterations: 50` is the book's fixed 50
    /// iterations, digit for digit.
    public func qValueIteration(gamma: Double, tolerance: Double = 1e-10, maxIterations: Int = 100_000) -> PlanningResult {
        checkPlanningArguments(gamma: gamma, tolerance: tolerance, maxIterations: maxIterations, caller: "qValueIteration")
        var q = (0..<stateCount).map { s in
            (0..<actionCount).map { a in outcomes[s][a].isEmpty ? -Double.infinity : 0 }
        }
        var iterations = 0, residual = 0.0, converged = false
        while iterations < maxIterations {
            // The book's `np.max(Q_prev[sp])` for every next state, once per sweep.
            let previousMax = q.map(Self.stateValue(ofRow:))
            residual = 0
            for s in 0..<stateCount {
                for a in 0..<actionCount where !outcomes[s][a].isEmpty {
                    let updated = actionValue(of: s, a, values: previousMax, gamma: gamma)
                    residual = max(residual, abs(updated - q[s][a]))
                    q[s][a] = updated
                }
            }
            iterations += 1
            if residual <= tolerance {
                converged = true
                break
            }
        }
        return PlanningResult(values: q.map(Self.stateValue(ofRow:)), qValues: q, policy: q.map(argmax),
                              iterations: iterations, sweeps: iterations, converged: converged, residual: residual,
                              startValue: startValue(of: q.map(Self.stateValue(ofRow:))))
    }

    /// The one-step look-ahead Q-values of `values`: `Q(s, a) = Σ p · (r + γ · V(s'))`,
    /// the next state's value left out after a terminating outcome; −∞ for impossible actions.
    public func qValues(from values: [Double], gamma: Double) -> [[Double]] {
        precondition(values.count == stateCount, "TabularMDP.qValues: \(values.count) values for \(stateCount) states")
        return (0..<stateCount).map { s in
            (0..<actionCount).map { a in
                outcomes[s][a].isEmpty ? -.infinity : actionValue(of: s, a, values: values, gamma: gamma)
            }
        }
    }

    /// `Σ_s μ(s) · V(s)` over the initial-state distribution: the expected return of an episode.
    public func startValue(of values: [Double]) -> Double {
        precondition(values.count == stateCount, "TabularMDP.startValue: \(values.count) values for \(stateCount) states")
        var total = 0.0
        for (s, p) in initialStateDistribution.enumerated() where p > 0 { total += p * values[s] }
        return total
    }

    /// The largest entry of a Q row, 0 for a row of −∞ only (a state without possible
    /// actions, entered only by ending the episode).
    static func stateValue(ofRow row: [Double]) -> Double {
        let best = row.max() ?? -.infinity
        return best == -.infinity ? 0 : best
    }

    /// The result for final `values`: their Q-values, greedy policy and start value.
    func planningResult(values: [Double], gamma: Double, iterations: Int, sweeps: Int, converged: Bool,
                        residual: Double, policy: [Int]? = nil) -> PlanningResult {
        let q = qValues(from: values, gamma: gamma)
        return PlanningResult(values: values, qValues: q, policy: policy ?? q.map(argmax), iterations: iterations,
                              sweeps: sweeps, converged: converged, residual: residual, startValue: startValue(of: values))
    }

    func checkPlanningArguments(gamma: Double, tolerance: Double, maxIterations: Int, caller: String) {
        precondition(gamma >= 0 && gamma <= 1, "TabularMDP.\(caller): gamma must lie in [0, 1], got \(gamma)")
        precondition(tolerance >= 0 && !tolerance.isNaN, "TabularMDP.\(caller): tolerance must be non-negative, got \(tolerance)")
        precondition(maxIterations >= 0, "TabularMDP.\(caller): maxIterations must be non-negative, got \(maxIterations)")
    }
}
