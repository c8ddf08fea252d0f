import Tensors

/// The Euclidean norm of all gradients taken together, √(Σ_i ‖g_i‖²), accumulated in Double.
public func globalNorm(_ gradients: [Tensor]) -> Float {
    var total: Double = 0
    for g in gradients {
        g.withUnsafeBufferPointer { b in total += sumOfSquares(b) }
    }
    return Float(total.squareRoot())
}

/// Σ x², in Double over eight independent partial sums: one running sum makes every
/// addition wait for the previous one, which made this a seventh of a DQN update.
@inline(__always)
private func sumOfSquares(_ b: UnsafeBufferPointer<Float>) -> Double {
    var s = SIMD8<Double>()
    let n = b.count, whole = n & ~7
    var i = 0
    while i < whole {
        let x = SIMD8<Double>(Double(b[i]), Double(b[i + 1]), Double(b[i + 2]), Double(b[i + 3]),
                              Double(b[i + 4]), Double(b[i + 5]), Double(b[i + 6]), Double(b[i + 7]))
        s += x * x
        i += 8
    }
    var total = s.sum()
    while i < n {
        total += Double(b[i]) * Double(b[i])
        i += 1
    }
    return total
}

/// Scales every gradient by the same factor so their global norm is at most `maxNorm`,
/// TensorFlow's `tf.clip_by_global_norm`: `g_i · maxNorm / max(norm, maxNorm)`. Scaling all
/// tensors together keeps the direction of the update, unlike clipping each tensor alone.
///
/// Stable-Baselines3's `max_grad_norm` goes through PyTorch's `clip_grad_norm_`, which
/// scales by `maxNorm / (norm + 1e-6)` when that is below 1; the two differ by about
/// 1e-6 / norm relative. When the norm is not finite the gradients are returned unchanged
/// together with that norm, so a caller can detect it and skip the update.
///
/// - Returns: the clipped gradients and the norm before clipping (for logging).
public func clipByGlobalNorm(_ gradients: [Tensor], maxNorm: Float) -> (clipped: [Tensor], globalNorm: Float) {
    precondition(maxNorm > 0, "clipByGlobalNorm: maxNorm must be positive, got \(maxNorm)")
    let norm = globalNorm(gradients)
    guard norm.isFinite, norm > maxNorm else { return (gradients, norm) }
    let scale = maxNorm / norm
    return (gradients.map { $0.detached * scale }, norm)
}

/// Clamps every gradient value to `[min, max]`, TensorFlow's `tf.clip_by_value` (Keras'
/// `clipvalue`). NaN values stay NaN.
public func clipByValue(_ gradients: [Tensor], min lower: Float, max upper: Float) -> [Tensor] {
    precondition(lower <= upper, "clipByValue: min \(lower) is above max \(upper)")
    return gradients.map { g in
        g.detached.mapped { x in x < lower ? lower : (x > upper ? upper : x) }
    }
}
