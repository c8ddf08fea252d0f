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

        /// An actor's output and a critic's as one: the losses summed, each diagnostic from
        /// the half that computes it.
        public func combined(with critic: Output) -> Output {
            Output(loss: loss + critic.loss, policyLoss: policyLoss, valueLoss: critic.valueLoss, entropy: entropy,
                   approximateKL: approximateKL, clipFraction: clipFraction)
        }
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
        let actor = ppoActor(logProbabilities: logProbabilities, oldLogProbabilities: oldLogProbabilities,
                             advantages: advantages, entropies: entropies, clipRange: clipRange,
                             entropyCoefficient: entropyCoefficient)
        let critic = ppoCritic(values: values, oldValues: oldValues, returns: returns, valueClipRange: valueClipRange,
                               valueCoefficient: valueCoefficient)
        return actor.combined(with: critic)
    }

    /// The policy's half of ``ppo(logProbabilities:oldLogProbabilities:advantages:entropies:values:oldValues:returns:clipRange:valueClipRange:valueCoefficient:entropyCoefficient:)``:
    /// `policyLoss − entropyCoefficient · entropy` as its `loss`, with its diagnostics. With
    /// separate networks it is all the policy's parameters receive.
    public static func ppoActor(logProbabilities: Tensor, oldLogProbabilities: Tensor, advantages: Tensor, entropies: Tensor,
                                clipRange: Float, entropyCoefficient: Float) -> Output {
        checkShapes([logProbabilities, oldLogProbabilities, advantages, entropies], "ppoActor")
        let logRatio = logProbabilities - oldLogProbabilities
        let ratio = logRatio.exp()
        let unclipped = advantages * ratio
        let clipped = advantages * ratio.clamped(min: 1 - clipRange, max: 1 + clipRange)
        let policyLoss = -minimum(unclipped, clipped).mean()
        let entropy = entropies.mean()
        let r = ratio.detached, l = logRatio.detached
        return Output(loss: policyLoss - entropyCoefficient * entropy, policyLoss: policyLoss.detached.scalar, valueLoss: 0,
                      entropy: entropy.detached.scalar, approximateKL: ((r - 1) - l).mean().scalar,
                      clipFraction: (r - 1).abs().greater(than: clipRange).mean().scalar)
    }

    /// The value function's half of PPO's loss: `valueCoefficient · valueLoss` as its `loss`
    /// (the squared error to the returns, optionally clipped around the old values).
    public static func ppoCritic(values: Tensor, oldValues: Tensor, returns: Tensor, valueClipRange: Float? = nil,
                                 valueCoefficient: Float) -> Output {
        checkShapes([values, oldValues, returns], "ppoCritic")
        let predictions = valueClipRange.map { range in oldValues + (values - oldValues).clamped(min: -range, max: range) } ?? values
        let valueLoss = (returns - predictions).squared().mean()
        return Output(loss: valueCoefficient * valueLoss, policyLoss: 0, valueLoss: valueLoss.detached.scalar,
                      entropy: 0, approximateKL: 0, clipFraction: 0)
    }

    /// A2C's loss (Mnih et al. 2016): `policyLoss = −mean(A · logπ(a|s))`.
    public static func a2c(logProbabilities: Tensor, advantages: Tensor, entropies: Tensor, values: Tensor, returns: Tensor,
                           valueCoefficient: Float, entropyCoefficient: Float) -> Output {
        checkShapes([logProbabilities, advantages, entropies, values, returns], "a2c")
        return a2cActor(logProbabilities: logProbabilities, advantages: advantages, entropies: entropies,
                        entropyCoefficient: entropyCoefficient)
            .combined(with: a2cCritic(values: values, returns: returns, valueCoefficient: valueCoefficient))
    }

    /// The policy's half of A2C's loss: `policyLoss − entropyCoefficient · entropy`.
    public static func a2cActor(logProbabilities: Tensor, advantages: Tensor, entropies: Tensor,
                                entropyCoefficient: Float) -> Output {
        checkShapes([logProbabilities, advantages, entropies], "a2cActor")
        let policyLoss = -(advantages * logProbabilities).mean()
        let entropy = entropies.mean()
        return Output(loss: policyLoss - entropyCoefficient * entropy, policyLoss: policyLoss.detached.scalar, valueLoss: 0,
                      entropy: entropy.detached.scalar, approximateKL: 0, clipFraction: 0)
    }

    /// The value function's half of A2C's loss: `valueCoefficient · mean((R − V)²)`.
    public static func a2cCritic(values: Tensor, returns: Tensor, valueCoefficient: Float) -> Output {
        checkShapes([values, returns], "a2cCritic")
        let valueLoss = (returns - values).squared().mean()
        return Output(loss: valueCoefficient * valueLoss, policyLoss: 0, valueLoss: valueLoss.detached.scalar,
                      entropy: 0, approximateKL: 0, clipFraction: 0)
    }

    private static func checkShapes(_ tensors: [Tensor], _ name: String) {
        let shape = tensors[0].shape
        precondition(shape.count == 1 && tensors.allSatisfy { $0.shape == shape },
                     "ActorCriticLoss.\(name): every input must be [batch] of one shape, got \(tensors.map(\.shape))")
    }
}
