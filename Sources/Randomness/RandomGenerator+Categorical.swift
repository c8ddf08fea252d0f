#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(ucrt)
import ucrt
#endif

extension RandomGenerator {
    /// Returns index i with probability `probabilities[i]`, by inverting the cumulative sum.
    ///
    /// The weights are divided by their sum (accumulated in double precision), so a softmax
    /// output that sums to 1 only within float error, or any other non-negative weights, is
    /// sampled correctly; an index whose weight is zero is never returned. Uses one draw.
    ///
    /// - Precondition: `probabilities` is non-empty, every entry is finite and non-negative,
    ///   and at least one is positive.
    public mutating func categorical(probabilities: [Float]) -> Int {
        probabilities.withUnsafeBufferPointer { categorical(probabilities: $0) }
    }

    /// Samples from a row of probabilities held in existing storage, such as a tensor's buffer,
    /// without copying it into an array. See ``categorical(probabilities:)``.
    public mutating func categorical(probabilities: UnsafeBufferPointer<Float>) -> Int {
        precondition(!probabilities.isEmpty, "categorical(probabilities:) needs at least one entry")
        var total = 0.0
        for p in probabilities {
            precondition(
                p >= 0 && p.isFinite,
                "categorical(probabilities:) needs finite, non-negative probabilities, got \(p)")
            total += Double(p)
        }
        precondition(total > 0, "categorical(probabilities:) needs a positive total probability")
        return invertCumulative(target: uniformDouble() * total, count: probabilities.count) {
            Double(probabilities[$0])
        }
    }

    /// Returns index i with probability softmax(`logits`)[i].
    ///
    /// Subtracts the largest logit before exponentiating, so logits in the thousands neither
    /// overflow nor underflow to an all-zero distribution; `-infinity` entries act as masked
    /// actions that are never chosen. Allocates nothing and uses one draw.
    ///
    /// - Precondition: `logits` is non-empty, contains no NaN or `+infinity`, and has at least
    ///   one finite entry.
    public mutating func categorical(logits: [Float]) -> Int {
        logits.withUnsafeBufferPointer { categorical(logits: $0) }
    }

    /// Samples from a row of logits held in existing storage without copying it.
    /// See ``categorical(logits:)``.
    public mutating func categorical(logits: UnsafeBufferPointer<Float>) -> Int {
        precondition(!logits.isEmpty, "categorical(logits:) needs at least one entry")
        var largest = -Float.infinity
        for logit in logits {
            precondition(!logit.isNaN, "categorical(logits:) got a NaN logit")
            largest = max(largest, logit)
        }
        precondition(
            largest.isFinite, "categorical(logits:) needs a finite largest logit, got \(largest)")
        let shift = Double(largest)
        var total = 0.0
        for logit in logits {
            total += exp(Double(logit) - shift)
        }
        // The exponentials are recomputed rather than stored so the call does not allocate;
        // the same expression gives bit-identical values both times.
        return invertCumulative(target: uniformDouble() * total, count: logits.count) {
            exp(Double(logits[$0]) - shift)
        }
    }

    /// The first index whose cumulative weight exceeds `target`.
    ///
    /// `target` is below the total, but rounding in `u * total` can make it equal; the last
    /// index with positive weight is then the right answer and avoids returning a zero-weight one.
    private func invertCumulative(
        target: Double, count: Int, weight: (Int) -> Double
    ) -> Int {
        var cumulative = 0.0
        var lastPositive = 0
        for index in 0..<count {
            let w = weight(index)
            guard w > 0 else { continue }
            cumulative += w
            if target < cumulative { return index }
            lastPositive = index
        }
        return lastPositive
    }
}
