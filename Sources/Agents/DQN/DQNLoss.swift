import Networks
import Tensors

/// How a TD error becomes a loss in ``DQNLoss``.
public enum TDErrorLoss: String, Codable, Sendable, CaseIterable {
    /// Huber loss with δ = 1 (TF-Agents' `element_wise_huber_loss`, SB3's `smooth_l1_loss`):
    /// ½e² for |e| ≤ 1, |e| − ½ beyond. Mnih et al. 2015 clip the error's gradient to
    /// [−1, 1], which is this loss.
    case huber
    /// Squared error e² (TF-Agents' `element_wise_squared_loss`, SB3's `mse_loss`), the
    /// loss of the textbook's basic DQN.
    case meanSquaredError
}

/// The DQN loss as pure functions on tensors, every variant an independent switch:
///
///     y = R + D · (1 − terminated) · Q_target(s', a*)                 TD target
///     a* = argmax_a' Q_target(s', a')   (Mnih et al. 2015)  or
///     a* = argmax_a' Q_online(s', a')   (Double DQN, van Hasselt et al. 2016, eq. 4)
///     L  = (1/B) Σ_i w_i ℓ(y_i − Q(s_i, a_i))                         ℓ Huber or squared
///
/// For one-step targets R is the reward and D = γ; for n-step targets (Sutton & Barto
/// §7.1) the buffer gives R = Σ_{k<m} γ^k r_{t+k} and D = γ^m, m ≤ n being the steps
/// actually taken before the episode ended. Only termination cuts the bootstrap: a
/// truncated (time-limit) transition still bootstraps from s'. The weights w_i are
/// prioritized replay's importance-sampling weights (Schaul et al. 2016), 1 without them;
/// the mean divides by B as TF-Agents and SB3 do.
///
/// Targets are constants for differentiation (the semi-gradient of Q-learning), so only
/// `Q(s_i, a_i)` carries gradient back to the online network.
public enum DQNLoss {
    /// The loss and what the agent needs besides it.
    public struct Output {
        /// The scalar loss, on the tape when the Q-values were.
        public let loss: Tensor
        /// `y_i − Q(s_i, a_i)`, `[B]`, detached: their magnitudes are the new priorities.
        public let tdErrors: Tensor
        /// The TD targets `y_i`, `[B]`, detached.
        public let targets: Tensor
        /// `Q(s_i, a_i)`, `[B]`, on the tape.
        public let predictions: Tensor
    }

    /// The value each next state bootstraps from, `[B]`: `max_a' Q_target(s', a')`, or with
    /// `selectingWith` online Q-values the Double DQN value `Q_target(s', argmax_a'
    /// Q_online(s', a'))`, the first maximum on ties. Both inputs are `[B, A]`; the result is
    /// detached.
    public static func bootstrapValues(nextTargetQValues: Tensor, selectingWith nextOnlineQValues: Tensor? = nil) -> Tensor {
        precondition(nextTargetQValues.rank == 2,
                     "DQNLoss.bootstrapValues: next-state Q-values must be [batch, actions], got \(nextTargetQValues.shape)")
        let target = nextTargetQValues.detached
        guard let online = nextOnlineQValues else { return target.max(alongAxis: 1) }
        precondition(online.shape == target.shape,
                     "DQNLoss.bootstrapValues: online Q-values \(online.shape) and target Q-values \(target.shape) differ")
        return target.gathering(online.detached.argmax(alongAxis: 1), alongAxis: 1)
    }

    /// TD targets `R + D · (1 − terminated) · bootstrap`, `[B]`, detached. `rewards`,
    /// `terminated` (0 or 1) and `bootstrapValues` are `[B]`; `discounts` is `[B]` (γ^m per
    /// sample for n-step returns) or a scalar γ.
    public static func tdTargets(rewards: Tensor, discounts: Tensor, terminated: Tensor, bootstrapValues: Tensor) -> Tensor {
        precondition(rewards.rank == 1 && terminated.shape == rewards.shape && bootstrapValues.shape == rewards.shape,
                     "DQNLoss.tdTargets: rewards \(rewards.shape), terminated \(terminated.shape) and bootstrap values "
                     + "\(bootstrapValues.shape) must all be [batch]")
        precondition(discounts.shape == rewards.shape || discounts.count == 1,
                     "DQNLoss.tdTargets: discounts must be [batch] or a scalar, got \(discounts.shape)")
        return (rewards + discounts * (1 - terminated) * bootstrapValues).detached
    }

    /// The loss of Q-values `[B, A]` (the online network's, on the tape) for the actions
    /// taken (`[B]` indices) against TD targets `[B]`, weighted by `importanceWeights` `[B]`.
    public static func loss(qValues: Tensor, actions: IndexTensor, targets: Tensor, errorLoss: TDErrorLoss = .huber,
                            importanceWeights: Tensor? = nil) -> Output {
        precondition(qValues.rank == 2 && actions.shape == [qValues.shape[0]] && targets.shape == actions.shape,
                     "DQNLoss.loss: Q-values \(qValues.shape), actions \(actions.shape) and targets \(targets.shape) "
                     + "must be [batch, actions], [batch], [batch]")
        if let importanceWeights {
            precondition(importanceWeights.shape == targets.shape,
                         "DQNLoss.loss: importance weights \(importanceWeights.shape) must be [batch] \(targets.shape)")
        }
        let predictions = qValues.gathering(actions, alongAxis: 1)
        let y = targets.detached
        let loss: Tensor
        switch errorLoss {
        case .huber: loss = huberLoss(predictions, y, delta: 1, weights: importanceWeights)
        case .meanSquaredError: loss = meanSquaredError(predictions, y, weights: importanceWeights)
        }
        return Output(loss: loss, tdErrors: (y - predictions).detached, targets: y, predictions: predictions)
    }

    /// The whole loss from a batch of transitions: bootstrap values (Double DQN when
    /// `nextOnlineQValues` is given), TD targets, and the weighted loss. See the type's
    /// description for the formula and the shapes of ``tdTargets(rewards:discounts:terminated:bootstrapValues:)``.
    public static func loss(qValues: Tensor, actions: IndexTensor, rewards: Tensor, discounts: Tensor, terminated: Tensor,
                            nextTargetQValues: Tensor, nextOnlineQValues: Tensor? = nil, errorLoss: TDErrorLoss = .huber,
                            importanceWeights: Tensor? = nil) -> Output {
        let bootstrap = bootstrapValues(nextTargetQValues: nextTargetQValues, selectingWith: nextOnlineQValues)
        let targets = tdTargets(rewards: rewards, discounts: discounts, terminated: terminated, bootstrapValues: bootstrap)
        return loss(qValues: qValues, actions: actions, targets: targets, errorLoss: errorLoss,
                    importanceWeights: importanceWeights)
    }
}
