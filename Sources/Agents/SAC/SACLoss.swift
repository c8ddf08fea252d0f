import Networks
import Tensors

/// The three SAC losses as pure functions on tensors, in the form Stable-Baselines3's `SAC`
/// (after Haarnoja et al. 2018b, "Soft Actor-Critic Algorithms and Applications") computes
/// them for a minibatch of B transitions:
///
///     y   = r + γ (1 − terminated) (min_i Q'_i(s', a') − α log π(a'|s')),  a' ~ π(·|s')   eq. 3, 5
///     L_Q = ½ Σ_i (1/B) Σ (Q_i(s, a) − y)²                                              eq. 5
///     L_π = (1/B) Σ (α log π(ã|s) − min_i Q_i(s, ã)),  ã = tanh(μ + σ ε) reparameterised  eq. 7, 8
///     L_α = −(1/B) Σ log α · (log π(ã|s) + H̄)                                          eq. 18
///
/// Q'_i are the target critics. Only termination cuts the bootstrap: a time-limit truncation
/// still bootstraps from s'. The target y is a constant for differentiation, and in L_α the
/// log-probabilities are, so that loss moves log α only. SB3 learns log α rather than α (it
/// stays positive) and uses the α from before this step's α update in y and L_π.
public enum SACLoss {
    /// `min_i Q_i` elementwise over critics' values, each `[B]`; differentiable.
    public static func minimum(of qValues: [Tensor]) -> Tensor {
        precondition(!qValues.isEmpty, "SACLoss.minimum: no critics")
        return qValues.dropFirst().reduce(qValues[0]) { Tensors.minimum($0, $1) }
    }

    /// The critics' regression targets `y`, `[B]`, detached. `rewards`, `terminated` (0 or 1),
    /// `nextLogProbabilities` and each of the target critics' `nextQValues` are `[B]`.
    public static func criticTargets(rewards: Tensor, terminated: Tensor, gamma: Float, nextQValues: [Tensor],
                                     nextLogProbabilities: Tensor, alpha: Float) -> Tensor {
        let b = rewards.shape
        precondition(rewards.rank == 1 && terminated.shape == b && nextLogProbabilities.shape == b
                     && !nextQValues.isEmpty && nextQValues.allSatisfy { $0.shape == b },
                     "SACLoss.criticTargets: rewards \(b), terminated \(terminated.shape), next log-probabilities "
                     + "\(nextLogProbabilities.shape) and next Q-values \(nextQValues.map(\.shape)) must all be [batch]")
        return withoutGradient {
            let soft = minimum(of: nextQValues.map(\.detached)) - alpha * nextLogProbabilities.detached
            return rewards + gamma * (1 - terminated) * soft
        }
    }

    /// `½ Σ_i mean((Q_i − y)²)` over the critics' `[B]` values (on the tape) and targets `[B]`.
    public static func criticLoss(qValues: [Tensor], targets: Tensor) -> Tensor {
        precondition(!qValues.isEmpty && qValues.allSatisfy { $0.shape == targets.shape },
                     "SACLoss.criticLoss: Q-values \(qValues.map(\.shape)) and targets \(targets.shape) must all be [batch]")
        let y = targets.detached
        let total = qValues.dropFirst().reduce(meanSquaredError(qValues[0], y)) { $0 + meanSquaredError($1, y) }
        return 0.5 * total
    }

    /// `mean(α log π(ã|s) − min_i Q_i(s, ã))` from the reparameterised actions' log-probabilities
    /// `[B]` and the critics' values of those actions, each `[B]`; gradients reach the actor
    /// through both.
    public static func actorLoss(logProbabilities: Tensor, qValues: [Tensor], alpha: Float) -> Tensor {
        precondition(logProbabilities.rank == 1 && !qValues.isEmpty && qValues.allSatisfy { $0.shape == logProbabilities.shape },
                     "SACLoss.actorLoss: log-probabilities \(logProbabilities.shape) and Q-values \(qValues.map(\.shape)) "
                     + "must all be [batch]")
        return (alpha * logProbabilities - minimum(of: qValues)).mean()
    }

    /// `−mean(log α · (log π + H̄))` with `log π` `[B]` held constant: its gradient
    /// `−mean(log π + H̄)` raises α while the policy's entropy `−log π` is below the target H̄
    /// and lowers it above.
    public static func entropyCoefficientLoss(logAlpha: Tensor, logProbabilities: Tensor, targetEntropy: Float) -> Tensor {
        precondition(logAlpha.count == 1, "SACLoss.entropyCoefficientLoss: log α must be one value, got \(logAlpha.shape)")
        return -(logAlpha * (logProbabilities.detached + targetEntropy)).mean()
    }
}
