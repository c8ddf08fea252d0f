import Tensors

// Loss functions. Every loss first computes one loss per sample, l_i, along the leading
// (batch) axis, then reduces:
//
//     .mean (default):  (1/B) Σ_i w_i l_i
//     .sum:             Σ_i w_i l_i
//     .none:            the vector w_i l_i
//
// with w_i = 1 when no weights are given. The weighted mean divides by the batch size B, not
// by Σ w_i: it is SB3's and TF-Agents' `mean(weights * loss)` for prioritized replay's
// importance-sampling weights (TF-Agents `aggregate_losses`, Keras' SUM_OVER_BATCH_SIZE).
//
// For elementwise losses (squared error, Huber, binary cross-entropy) l_i is the mean over
// the non-batch axes of sample i, so with B samples of shape [d] the unweighted mean is the
// mean over all B·d values, as in PyTorch's `reduction="mean"`. A rank-1 input holds one
// value per sample; a rank-0 input is a single sample.

/// How a loss combines its per-sample values.
public enum LossReduction: String, Codable, Sendable {
    /// Weighted mean over the batch: `Σ w_i l_i / B`.
    case mean
    /// Weighted sum over the batch: `Σ w_i l_i`.
    case sum
    /// The per-sample values `w_i l_i`, shape `[B]`.
    case none
}

/// Mean squared error `(predicted − target)²`.
public func meanSquaredError(_ predicted: Tensor, _ target: Tensor, weights: Tensor? = nil,
                             reduction: LossReduction = .mean) -> Tensor {
    checkSameShape(predicted, target, function: "meanSquaredError")
    return reduceLoss(elementwise: (predicted - target).squared(), weights: weights, reduction: reduction,
                      function: "meanSquaredError")
}

/// Huber loss (Huber 1964): `½e²` where `|e| ≤ delta`, `delta (|e| − ½delta)` beyond, with
/// `e = predicted − target`. Quadratic near zero and linear in the tails, so a large TD
/// error cannot produce a huge gradient: the DQN loss (Mnih et al. 2015 clip the error
/// term's gradient to [−1, 1], which is this loss with delta 1). With delta 1 it equals
/// PyTorch's `smooth_l1_loss` used by SB3's DQN; for other deltas smooth L1 is Huber / delta.
public func huberLoss(_ predicted: Tensor, _ target: Tensor, delta: Float = 1, weights: Tensor? = nil,
                      reduction: LossReduction = .mean) -> Tensor {
    checkSameShape(predicted, target, function: "huberLoss")
    precondition(delta > 0, "huberLoss: delta must be positive, got \(delta)")
    // TensorFlow's formulation: no branch, and the gradient is e clipped to [−delta, delta].
    let absolute = (predicted - target).abs()
    let quadratic = minimum(absolute, delta)
    let linear = absolute - quadratic
    return reduceLoss(elementwise: 0.5 * quadratic.squared() + delta * linear, weights: weights,
                      reduction: reduction, function: "huberLoss")
}

/// Keras' default `epsilon()`: probabilities are clamped to `[ε, 1 − ε]` before the logarithm.
public let probabilityClampEpsilon: Float = 1e-7

/// Binary cross-entropy `−z log p − (1 − z) log(1 − p)` of probabilities `p` against targets
/// `z` in [0, 1]. As in Keras, `p` is clamped to `[1e-7, 1 − 1e-7]` so that a saturated
/// sigmoid gives a large finite loss instead of infinity (and no gradient where clamped).
/// Prefer ``binaryCrossEntropy(logits:targets:weights:reduction:)`` when logits are at hand.
public func binaryCrossEntropy(probabilities: Tensor, targets: Tensor, weights: Tensor? = nil,
                               reduction: LossReduction = .mean) -> Tensor {
    checkSameShape(probabilities, targets, function: "binaryCrossEntropy")
    let p = probabilities.clamped(min: probabilityClampEpsilon, max: 1 - probabilityClampEpsilon)
    let elementwise = -(targets * p.log() + (1 - targets) * (1 - p).log())
    return reduceLoss(elementwise: elementwise, weights: weights, reduction: reduction, function: "binaryCrossEntropy")
}

/// Binary cross-entropy of `sigmoid(logits)` against targets `z`, computed stably as
/// `max(x, 0) − x z + log(1 + e^−|x|)` (TensorFlow's `sigmoid_cross_entropy_with_logits`).
/// The first and last terms are `softplus(x)`, which is how it is evaluated here, so the
/// gradient is exactly `sigmoid(x) − z` everywhere, including at x = 0.
public func binaryCrossEntropy(logits: Tensor, targets: Tensor, weights: Tensor? = nil,
                               reduction: LossReduction = .mean) -> Tensor {
    checkSameShape(logits, targets, function: "binaryCrossEntropy")
    return reduceLoss(elementwise: logits.softplus() - logits * targets, weights: weights,
                      reduction: reduction, function: "binaryCrossEntropy")
}

/// Categorical cross-entropy `−Σ_c y_c log p_c` over the last axis, of probabilities against
/// label distributions (one-hot or soft) of the same shape. As in Keras, each row of
/// probabilities is divided by its sum and clamped to `[1e-7, 1 − 1e-7]` first.
public func categoricalCrossEntropy(probabilities: Tensor, labels: Tensor, weights: Tensor? = nil,
                                    reduction: LossReduction = .mean) -> Tensor {
    checkSameShape(probabilities, labels, function: "categoricalCrossEntropy")
    let p = (probabilities / probabilities.sum(alongAxis: -1, keepDims: true))
        .clamped(min: probabilityClampEpsilon, max: 1 - probabilityClampEpsilon)
    let perSample = -(labels * p.log()).sum(alongAxis: -1)
    return reduceLoss(perSample: perSample, weights: weights, reduction: reduction, function: "categoricalCrossEntropy")
}

/// Sparse categorical cross-entropy `−log p_label` of probabilities `[..., C]` against class
/// indices `[...]`, with the same normalisation and clamping as the dense form.
public func categoricalCrossEntropy(probabilities: Tensor, labels: IndexTensor, weights: Tensor? = nil,
                                    reduction: LossReduction = .mean) -> Tensor {
    let p = (probabilities / probabilities.sum(alongAxis: -1, keepDims: true))
        .clamped(min: probabilityClampEpsilon, max: 1 - probabilityClampEpsilon)
    let perSample = -p.gathering(labels, alongAxis: -1).log()
    return reduceLoss(perSample: perSample, weights: weights, reduction: reduction, function: "categoricalCrossEntropy")
}

/// Categorical cross-entropy of `softmax(logits)` over the last axis against label
/// distributions, `−Σ_c y_c logSoftmax(x)_c`. Uses log-softmax, so it is finite however
/// confident the logits are, and its gradient is `softmax(x) − y` for labels summing to 1.
public func categoricalCrossEntropy(logits: Tensor, labels: Tensor, weights: Tensor? = nil,
                                    reduction: LossReduction = .mean) -> Tensor {
    checkSameShape(logits, labels, function: "categoricalCrossEntropy")
    let perSample = -(labels * logits.logSoftmax(alongAxis: -1)).sum(alongAxis: -1)
    return reduceLoss(perSample: perSample, weights: weights, reduction: reduction, function: "categoricalCrossEntropy")
}

/// Sparse categorical cross-entropy `−logSoftmax(x)_label` of logits `[..., C]` against class
/// indices `[...]`: PyTorch's `cross_entropy` with integer targets.
public func categoricalCrossEntropy(logits: Tensor, labels: IndexTensor, weights: Tensor? = nil,
                                    reduction: LossReduction = .mean) -> Tensor {
    let perSample = -logits.logSoftmax(alongAxis: -1).gathering(labels, alongAxis: -1)
    return reduceLoss(perSample: perSample, weights: weights, reduction: reduction, function: "categoricalCrossEntropy")
}

// MARK: - Reduction

private func checkSameShape(_ a: Tensor, _ b: Tensor, function: String) {
    precondition(a.shape == b.shape, "\(function): shapes \(a.shape) and \(b.shape) differ")
}

/// Averages an elementwise loss over each sample's non-batch axes, then reduces.
private func reduceLoss(elementwise: Tensor, weights: Tensor?, reduction: LossReduction, function: String) -> Tensor {
    let perSample = elementwise.rank <= 1 ? elementwise : elementwise.mean(alongAxes: Array(1..<elementwise.rank))
    return reduceLoss(perSample: perSample, weights: weights, reduction: reduction, function: function)
}

/// Applies per-sample weights and the reduction (see the top of this file). Weights may be
/// given as `[B]` or any shape holding B values, such as `[B, 1]`.
private func reduceLoss(perSample: Tensor, weights: Tensor?, reduction: LossReduction, function: String) -> Tensor {
    var losses = perSample
    if losses.rank > 1 { losses = losses.mean(alongAxes: Array(1..<losses.rank)) }
    if let weights {
        precondition(weights.count == losses.count,
                     "\(function): \(weights.count) weights for \(losses.count) samples (loss shape \(losses.shape))")
        losses = losses * (weights.shape == losses.shape ? weights : weights.reshaped(losses.shape))
    }
    switch reduction {
    case .mean: return losses.mean()
    case .sum: return losses.sum()
    case .none: return losses
    }
}
