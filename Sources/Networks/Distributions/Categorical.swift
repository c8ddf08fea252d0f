import Randomness
import Tensors

/// A batch of categorical distributions over `n` classes, parameterised by unnormalised
/// logits `[..., n]` (usually `[B, n]`, one row per observation): the policy head of
/// discrete-action agents (REINFORCE, A2C, PPO).
///
/// Log-probabilities and entropy are differentiable with respect to the logits when a tape
/// records. Logits of −∞ mask a class: it gets probability 0, is never sampled, and adds
/// nothing to the entropy.
public struct Categorical {
    /// The logits as given.
    public let logits: Tensor
    /// `logSoftmax(logits)` over the last axis: the normalised log-probabilities.
    public let logProbabilities: Tensor

    /// Distributions with probabilities `softmax(logits)` over the last axis.
    public init(logits: Tensor) {
        precondition(logits.rank >= 1 && logits.shape.last! > 0, "Categorical: logits of shape \(logits.shape) have no classes")
        self.logits = logits
        logProbabilities = logits.logSoftmax(alongAxis: -1)
    }

    /// Number of classes.
    public var classCount: Int { logits.shape.last! }

    /// The probabilities `softmax(logits)`, differentiable.
    public var probabilities: Tensor { logProbabilities.exp() }

    /// One class per distribution, shape `logits.shape` without the last axis, drawn from
    /// `generator` (one uniform draw per row, by inverting the cumulative distribution).
    public func sample(using generator: inout RandomGenerator) -> IndexTensor {
        let n = classCount
        let rows = logits.count / n
        var indices = [Int32](repeating: 0, count: rows)
        logits.detached.withUnsafeBufferPointer { buffer in
            for r in 0..<rows {
                let row = UnsafeBufferPointer(rebasing: buffer[(r * n)..<((r + 1) * n)])
                indices[r] = Int32(generator.categorical(logits: row))
            }
        }
        return IndexTensor(shape: Array(logits.shape.dropLast()), scalars: indices)
    }

    /// `log p(a)` for one class per distribution (`actions` has the shape of `logits`
    /// without the last axis); differentiable with respect to the logits.
    public func logProbability(of actions: IndexTensor) -> Tensor {
        logProbabilities.gathering(actions, alongAxis: -1)
    }

    /// Shannon entropy `−Σ p log p` in nats of each distribution, differentiable.
    public func entropy() -> Tensor {
        // Masked classes have log p = −∞ and p = 0; clamping keeps 0 · log p at 0 (not NaN)
        // in the value and in the gradient.
        let finiteLog = logProbabilities.clamped(min: -.greatestFiniteMagnitude, max: .greatestFiniteMagnitude)
        return -(probabilities * finiteLog).sum(alongAxis: -1)
    }

    /// The most probable class of each distribution (the first on ties): the greedy action.
    public func mode() -> IndexTensor {
        logits.argmax(alongAxis: -1)
    }

    /// `KL(self ‖ other) = Σ p (log p − log q)` per distribution, differentiable with respect
    /// to both sets of logits.
    public func klDivergence(to other: Categorical) -> Tensor {
        precondition(logits.shape == other.logits.shape,
                     "Categorical.klDivergence: shapes \(logits.shape) and \(other.logits.shape) differ")
        return (probabilities * (logProbabilities - other.logProbabilities)).sum(alongAxis: -1)
    }
}
