import Randomness
import Tensors

/// A batch of independent binary events parameterised by logits: logits `[B, n]` describe
/// `n` events per sample (a multi-binary action), and ``logProbability(of:)`` and
/// ``entropy()`` sum over the last axis to give one value per sample, as SB3's
/// `BernoulliDistribution` does. Use `[B, 1]` for one event per sample.
///
/// Everything is computed from the logits x with `softplus`, never from `sigmoid(x)`, so
/// confident logits give finite log-probabilities.
public struct Bernoulli {
    /// The logits `log(p / (1 − p))`.
    public let logits: Tensor

    /// Events with probabilities `sigmoid(logits)`.
    public init(logits: Tensor) {
        precondition(logits.rank >= 1, "Bernoulli: logits need at least one axis (events), got shape \(logits.shape)")
        self.logits = logits
    }

    /// `P(1) = sigmoid(logits)`, differentiable.
    public var probabilities: Tensor { logits.sigmoid() }

    /// 0 or 1 for every event, shape of `logits`, one uniform draw each.
    public func sample(using generator: inout RandomGenerator) -> Tensor {
        var sample = logits.detached.sigmoid()
        // A plain loop, not `mapped`, so draws happen in order on this thread.
        sample.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] = generator.uniformFloat() < values[i] ? 1 : 0 }
        }
        return sample
    }

    /// `Σ log p(v)` over the last axis for values `v` in {0, 1} (soft values in [0, 1] give the
    /// negative binary cross-entropy): `v x − softplus(x)`. Differentiable.
    public func logProbability(of values: Tensor) -> Tensor {
        precondition(values.shape == logits.shape, "Bernoulli.logProbability: values of shape \(values.shape) for logits \(logits.shape)")
        return (values * logits - logits.softplus()).sum(alongAxis: -1)
    }

    /// `Σ H` over the last axis, with `H = −p log p − (1 − p) log(1 − p) = softplus(x) − x·sigmoid(x)`.
    public func entropy() -> Tensor {
        (logits.softplus() - logits * logits.sigmoid()).sum(alongAxis: -1)
    }

    /// 1 where `P(1) > ½` (logit > 0), else 0.
    public func mode() -> Tensor {
        logits.detached.greater(than: 0)
    }
}
