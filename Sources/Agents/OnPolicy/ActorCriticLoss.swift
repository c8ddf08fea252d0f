import Tensors

/// The losses of the actor-critic methods, as Stable-Baselines3 computes them, on one
/// minibatch of `B` samples (all inputs `[B]`):
///
///     loss = policyLoss − entropyCoefficient · mean(entropy) + valueCoefficient · valueLoss
///
/// `valueLoss` is the mean squared error between the returns and the predicted values
/// (possibly clipped around the rollout's values, for PPO). Differentiable with respect to the
/// new log-probabilities, the entropies and the predicted values.
public enum ActorCriticLoss {
    /// The loss and the diagnostics SB3 logs (`train/policy_gradient_loss`, `train/value_loss`,
    /// `train/entropy_loss`, `train/approx_kl`, `train/clip_fraction`).
    public struct Output {
        public var loss: Tensor
        public var policyLoss: Float
        public var valueLoss: Float
        /// Mean entropy of the policy on the minibatch.
        public var entropy: Float
        /// SB3's estimate of KL(old ‖ new): mean((r − 1) − log r), with r the probability ratio
        /// (Schulman's unbiased, non-negative estimator). 0 for A2C.
        public var approximateKL: Float
        /// Fraction of samples whose ratio left [1 − ε, 1 + ε]. 0 for A2C.
        public var clipFraction: Float
    }

    /// PPO's clipped surrogate (Schulman et al. 2017, eq. 7):
    /// `policyLoss = −mean(min(r·A, clip(r, 1 − ε, 1 + ε)·A))` with `r = exp(logπ − logπ_old)`;
    /// with `valueClipRange` the predicted values are first clipped to
    /// `oldValues ± valueClipRange` (SB3's `clip_range_vf`, which clips rather than taking
    /// the larger of the clipped and unclipped errors as OpenAI Baselines does).
    public static func ppo(logProbabilities: Tensor, oldLogProbabilities: Tensor, advantages: Tensor, entropies: Tensor,
                           values: Tensor, oldValues: Tensor, returns: Tensor, clipRange: Float, valueClipRange: Float? = nil,
                           valueCoefficient: Float, entropyCoefficient: Float) -> Output {
        checkShapes([logProbabilities, oldLogProbabilities, advantages, entropies, values, oldValues, returns], "ppo")
        let logRatio = logProbabilities - oldLogProbabilities
        let ratio = logRatio.exp()
        let unclipped = advantages * ratio
        let clipped = advantages * ratio.clamped(min: 1 - clipRange, max: 1 + clipRange)
        let policyLoss = -minimum(unclipped, clipped).mean()
        let predictions = valueClipRange.map { range in oldValues + (values - oldValues).clamped(min: -range, max: range) } ?? values
        let valueLoss = (returns - predictions).squared().mean()
        let entropy = entropies.mean()
        let loss = policyLoss - entropyCoefficient * entropy + valueCoefficient * valueLoss
        let r = ratio.detached, l = logRatio.detached
        return Output(loss: loss, policyLoss: policyLoss.detached.scalar, valueLoss: valueLoss.detached.scalar,
                      entropy: entropy.detached.scalar, approximateKL: ((r - 1) - l).mean().scalar,
                      clipFraction: (r - 1).abs().greater(than: clipRange).mean().scalar)
    }

    /// A2C's loss (Mnih et al. 2016): `policyLoss = −mean(A · logπ(a|s))`.
    public static func a2c(logProbabilities: Tensor, advantages: Tensor, entropies: Tensor, values: Tensor, returns: Tensor,
                           valueCoefficient: Float, entropyCoefficient: Float) -> Output {
        checkShapes([logProbabilities, advantages, entropies, values, returns], "a2c")
        let policyLoss = -(advantages * logProbabilities).mean()
        let valueLoss = (returns - values).squared().mean()
        let entropy = entropies.mean()
        let loss = policyLoss - entropyCoefficient * entropy + valueCoefficient * valueLoss
        return Output(loss: loss, policyLoss: policyLoss.detached.scalar, valueLoss: valueLoss.detached.scalar,
                      entropy: entropy.detached.scalar, approximateKL: 0, clipFraction: 0)
    }

    private static func checkShapes(_ tensors: [Tensor], _ name: String) {
        let shape = tensors[0].shape
        precondition(shape.count == 1 && tensors.allSatisfy { $0.shape == shape },
                     "ActorCriticLoss.\(name): every input must be [batch] of one shape, got \(tensors.map(\.shape))")
    }
}
